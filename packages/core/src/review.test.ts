import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  assertReviewable, averagesOf, ratingDelta, reputationPoints, reviewAudience, reviewerRoleOf, reviewSubjectOf, reviewWindowEndsAt, viewOfReview,
  EMPTY_RATING_TOTALS, REPUTATION_WEIGHT, type RatingTotals, type Review,
} from './review.js';
import { matchScore } from './stats.js';

const contract = { enterpriseOrgId: 'org_ent', studioOrgId: 'org_std', status: 'COMPLETED' as const, updatedAt: '2026-12-01T00:00:00.000Z' };
const sealed: Review = {
  id: 'rev_01JD0000000000000000000001',
  contractId: 'ctr_01JD0000000000000000000001',
  contractTitle: '焊缝检测',
  authorOrgId: 'org_ent',
  authorRole: 'ENTERPRISE',
  authoredBy: 'boss',
  subjectOrgId: 'org_std',
  ratings: { quality: 5, timeliness: 4, communication: 3 },
  comment: '交付质量高。',
  status: 'SEALED',
  createdAt: '2026-12-02T00:00:00.000Z',
  publishDueAt: '2026-12-15T00:00:00.000Z',
  updatedAt: '2026-12-02T00:00:00.000Z',
  version: 1,
};
const published: Review = { ...sealed, status: 'PUBLISHED', publishedAt: '2026-12-03T00:00:00.000Z', version: 2 };
const hidden: Review = { ...published, hidden: { reason: '人身攻击', by: 'mod', at: '2026-12-04T00:00:00.000Z' }, version: 3 };
const viewer = (orgId: string, isAssociation = false) => ({ orgId, isAssociation });

describe('who reviews whom', () => {
  it('has the enterprise rate the studio and the studio the enterprise; nobody else reviews', () => {
    expect(reviewerRoleOf(contract, 'org_ent')).toBe('ENTERPRISE');
    expect(reviewerRoleOf(contract, 'org_std')).toBe('STUDIO');
    expect(reviewerRoleOf(contract, 'org_college')).toBeUndefined();
    expect(reviewerRoleOf(contract, undefined)).toBeUndefined();
    expect(reviewSubjectOf(contract, 'ENTERPRISE')).toBe('org_std');
    expect(reviewSubjectOf(contract, 'STUDIO')).toBe('org_ent');
  });

  it('takes reviews of finished contracts only, until 14 days after the end', () => {
    expect(() => assertReviewable({ ...contract, status: 'ACTIVE' }, new Date('2026-12-02T00:00:00Z'))).toThrow(/COMPLETED or TERMINATED/);
    expect(() => assertReviewable(contract, new Date('2026-12-14T23:59:59Z'))).not.toThrow();
    expect(() => assertReviewable({ ...contract, status: 'TERMINATED' }, new Date('2026-12-10T00:00:00Z'))).not.toThrow();
    expect(() => assertReviewable(contract, new Date('2026-12-15T00:00:00Z'))).toThrow(/taken until/);
    expect(reviewWindowEndsAt(contract.updatedAt)).toBe('2026-12-15T00:00:00.000Z');
  });
});

describe('double-blind visibility', () => {
  it('shows a sealed review to its author only', () => {
    expect(reviewAudience(viewer('org_ent'), sealed)).toBe('FULL');
    for (const other of [viewer('org_std'), viewer('org_x'), viewer('org_assoc', true)]) expect(reviewAudience(other, sealed)).toBe('NONE');
  });

  it('shows a published review to everyone, without the contract or the person who wrote it', () => {
    const view = viewOfReview(viewer('org_x'), { ...published, reply: { text: '谢谢', by: 'std-owner', at: '2026-12-04T00:00:00.000Z' } })!;
    expect(view).not.toHaveProperty('contractId');
    expect(view).not.toHaveProperty('authoredBy');
    expect(view.reply).toEqual({ text: '谢谢', at: '2026-12-04T00:00:00.000Z' });
    expect(view.mine).toBe(false);
  });

  it('keeps a hidden review for its author and associations', () => {
    expect(reviewAudience(viewer('org_x'), hidden)).toBe('NONE');
    expect(reviewAudience(viewer('org_std'), hidden)).toBe('NONE');
    expect(viewOfReview(viewer('org_assoc', true), hidden)?.hidden?.reason).toBe('人身攻击');
    expect(reviewAudience(viewer('org_ent'), hidden)).toBe('FULL');
  });
});

describe('averages and reputation', () => {
  it('averages each aspect and overall to two decimals; none without reviews', () => {
    expect(averagesOf(EMPTY_RATING_TOTALS)).toBeUndefined();
    const totals = [ratingDelta({ quality: 5, timeliness: 4, communication: 3 }), ratingDelta({ quality: 4, timeliness: 4, communication: 4 })].reduce(
      (sum, d) => ({ count: sum.count + d.count, quality: sum.quality + d.quality, timeliness: sum.timeliness + d.timeliness, communication: sum.communication + d.communication }),
      EMPTY_RATING_TOTALS,
    );
    expect(averagesOf(totals)).toEqual({ count: 2, quality: 4.5, timeliness: 4, communication: 3.5, overall: 4 });
  });

  it('takes a hidden review back out exactly (publish then hide is no change)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ quality: fc.integer({ min: 1, max: 5 }), timeliness: fc.integer({ min: 1, max: 5 }), communication: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 20 }), fc.nat(), (ratings, pick) => {
        const add = (sum: RatingTotals, d: RatingTotals) => ({ count: sum.count + d.count, quality: sum.quality + d.quality, timeliness: sum.timeliness + d.timeliness, communication: sum.communication + d.communication });
        const all = ratings.map((r) => ratingDelta(r)).reduce(add, EMPTY_RATING_TOTALS);
        const hiddenOne = ratings[pick % ratings.length]!;
        const rest = ratings.filter((_, i) => i !== pick % ratings.length).map((r) => ratingDelta(r)).reduce(add, EMPTY_RATING_TOTALS);
        expect(add(all, ratingDelta(hiddenOne, -1))).toEqual(rest);
        const overall = averagesOf(all)!.overall;
        expect(overall).toBeGreaterThanOrEqual(1);
        expect(overall).toBeLessThanOrEqual(5);
      }),
    );
  });

  it('gives reputation points within ±4, 0 for a studio without reviews, growing with the number of reviews', () => {
    expect(reputationPoints(undefined)).toBe(0);
    expect(reputationPoints({ overall: 3, count: 10 })).toBe(0);
    expect(reputationPoints({ overall: 5, count: 5 })).toBe(2 * REPUTATION_WEIGHT);
    expect(reputationPoints({ overall: 1, count: 50 })).toBe(-2 * REPUTATION_WEIGHT);
    expect(reputationPoints({ overall: 5, count: 1 })).toBe(0.8);
    expect(reputationPoints({ overall: 5, count: 1 })).toBeLessThan(reputationPoints({ overall: 5, count: 3 }));
  });

  it('lets reputation order studios of equal skill, never above a studio with one more shared tag', () => {
    const base = { requestTags: ['机器视觉', '质量检测'], sameCluster: true, pastContracts: 0 };
    const rated = matchScore({ ...base, capabilities: ['机器视觉'], reputation: reputationPoints({ overall: 5, count: 9 }) });
    const unrated = matchScore({ ...base, capabilities: ['机器视觉'] });
    const poorlyRated = matchScore({ ...base, capabilities: ['机器视觉'], reputation: reputationPoints({ overall: 1, count: 9 }) });
    const moreSkilled = matchScore({ ...base, capabilities: ['机器视觉', '质量检测'], reputation: reputationPoints({ overall: 1, count: 9 }) });
    expect(rated.score).toBeGreaterThan(unrated.score);
    expect(unrated.score).toBeGreaterThan(poorlyRated.score);
    expect(poorlyRated.score).toBeGreaterThan(0);
    expect(moreSkilled.score).toBeGreaterThan(rated.score);
  });
});
