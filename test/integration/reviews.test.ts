import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '@sharedtech/data';
import { REPUTATION_WEIGHT, REVIEW_WINDOW_DAYS } from '@sharedtech/core';
import { runScheduledJobs } from '@sharedtech/services';
import { startTestApi, testClock, type Caller } from '../support/harness.js';
import { expectError, issuePaths, tableItemCount } from '../support/assertions.js';
import { openRequest, organisation } from '../support/fixtures.js';
import { activeContract, key, milestonePath, moneyConsortium } from '../support/money.js';

/**
 * Reviews after a contract: once per party (a key), double-blind until both
 * are in or the window after the end passed (published exactly once, even
 * when both arrive together), averages kept as an aggregate item, a reply
 * once, hiding for cause by associations, and reputation in matching.
 */
const clock = testClock();
const api = await startTestApi({ clock });
const parties = await moneyConsortium(api);
const { moderator, enterprise, studio, college, outsider } = parties;

const review = (caller: Caller, contractId: string, ratings = { quality: 5, timeliness: 4, communication: 3 }, comment = '交付质量高，沟通顺畅。') =>
  caller.post(`/v1/contracts/${contractId}/reviews`, { ratings, comment });
const contractReviews = (caller: Caller, contractId: string) => caller.get(`/v1/contracts/${contractId}/reviews`);
const orgReviews = (caller: Caller, orgId: string) => caller.get(`/v1/orgs/${orgId}/reviews`);
const inbox = async (caller: Caller) => ((await caller.get('/v1/notifications?limit=100')).body.items as { type: string; entity: { id: string } }[]);
const trail = async (caller: Caller, reviewId: string) =>
  ((await caller.get(`/v1/audit?entity=review:${reviewId}`)).body.items as { action: string; details?: Record<string, unknown> }[]);

/** An ACTIVE contract ended by the association (TERMINATED), or completed by settling its one milestone. */
async function finishedContract(how: 'terminate' | 'complete' = 'terminate') {
  const contractId = await activeContract(api, parties, { milestones: [100_000] });
  if (how === 'terminate') {
    const ended = await moderator.post(`/v1/contracts/${contractId}/terminate`, { reason: '双方同意提前结束' }, key());
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
  } else {
    expect((await enterprise.caller.post(milestonePath(contractId, 1, 'fund'), {}, key())).status).toBe(200);
    expect((await studio.caller.post(milestonePath(contractId, 1, 'submit'), { note: '全部交付' })).status).toBe(200);
    const accepted = await enterprise.caller.post(milestonePath(contractId, 1, 'accept'), {}, key());
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect((await enterprise.caller.get(`/v1/contracts/${contractId}`)).body.status).toBe('COMPLETED');
  }
  return contractId;
}

const averagesOf = async (orgId: string) => (await orgReviews(moderator, orgId)).body.averages as { count: number; quality: number; overall: number } | null;

describe('writing a review', () => {
  it('is refused while the contract is still ACTIVE', async () => {
    const contractId = await activeContract(api, parties, { milestones: [100_000] });
    expectError(await review(enterprise.caller, contractId), 409, 'CONTRACT_NOT_FINISHED');
  });

  it('is double-blind: sealed for everyone but its author until the other party reviews, then both are published at once', { timeout: 90_000 }, async () => {
    const contractId = await finishedContract('complete');
    const first = await review(enterprise.caller, contractId, { quality: 5, timeliness: 5, communication: 5 }, '工作室交付质量很高。');
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ status: 'SEALED', authorRole: 'ENTERPRISE', subjectOrgId: studio.orgId, mine: true });

    // The author sees it; the other party only learns that it exists; nobody else sees anything.
    expect((await contractReviews(enterprise.caller, contractId)).body.items.map((r: { id: string }) => r.id)).toEqual([first.body.id]);
    const seenByStudio = (await contractReviews(studio.caller, contractId)).body;
    expect(seenByStudio).toMatchObject({ items: [], otherSubmitted: true, canReview: true, role: 'STUDIO' });
    expect((await contractReviews(moderator, contractId)).body.items).toEqual([]);
    expect((await orgReviews(studio.caller, studio.orgId)).body.items).toEqual([]);
    expectError(await studio.caller.post(`/v1/reviews/${first.body.id}/reply`, { text: '谢谢' }), 404);
    expect((await inbox(studio.caller)).map((n) => n.type)).toContain('REVIEW_RECEIVED');

    const second = await review(studio.caller, contractId, { quality: 4, timeliness: 3, communication: 5 }, '需求方配合积极。');
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect(second.body.status).toBe('PUBLISHED');
    const both = (await contractReviews(enterprise.caller, contractId)).body.items as { id: string; status: string }[];
    expect(both.map((r) => r.status)).toEqual(['PUBLISHED', 'PUBLISHED']);
    const publicView = (await orgReviews(college.caller, studio.orgId)).body;
    expect(publicView.items.map((r: { id: string }) => r.id)).toContain(first.body.id);
    expect(publicView.items[0]).not.toHaveProperty('contractId');
    expect(publicView.items[0]).not.toHaveProperty('authoredBy');
    expect((await orgReviews(college.caller, enterprise.orgId)).body.items.map((r: { id: string }) => r.id)).toContain(second.body.id);
    expect(await trail(enterprise.caller, first.body.id)).toEqual([expect.objectContaining({ action: 'submit' }), expect.objectContaining({ action: 'publish' })]);
    expect((await inbox(enterprise.caller)).map((n) => n.type)).toContain('REVIEW_PUBLISHED');
    // The lone-review timer went with the publication.
    const timer = await api.deps.db.doc.send(new GetCommand({ TableName: api.tableName, Key: keys.reviewTimer(contractId) }));
    expect(timer.Item).toBeUndefined();
  });

  it('is written once per party: a second review is a 409 and writes nothing', async () => {
    const contractId = await finishedContract();
    expect((await review(enterprise.caller, contractId)).status).toBe(201);
    const before = await tableItemCount(api);
    expectError(await review(enterprise.caller, contractId), 409, 'ALREADY_REVIEWED');
    expect(await tableItemCount(api)).toBe(before);
  });

  it('stores one review when the same party submits five times at once', async () => {
    const contractId = await finishedContract();
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => review(enterprise.caller, contractId, undefined, `并发提交的第 ${i + 1} 条评价`)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const refused of answers.filter((a) => a.status === 409)) expect(refused.body.error.code).toMatch(/ALREADY_REVIEWED|CONCURRENT_UPDATE/);
    expect((await contractReviews(enterprise.caller, contractId)).body.items).toHaveLength(1);
  });

  it('publishes exactly once when both parties submit at the same moment', { timeout: 90_000 }, async () => {
    for (let round = 0; round < 4; round++) {
      const contractId = await finishedContract();
      const before = { studio: (await averagesOf(studio.orgId))?.count ?? 0, enterprise: (await averagesOf(enterprise.orgId))?.count ?? 0 };
      const [a, b] = await Promise.all([review(enterprise.caller, contractId), review(studio.caller, contractId)]);
      expect([a.status, b.status], JSON.stringify([a.body, b.body])).toEqual([201, 201]);
      const items = (await contractReviews(enterprise.caller, contractId)).body.items as { id: string; status: string }[];
      expect(items.map((r) => r.status)).toEqual(['PUBLISHED', 'PUBLISHED']);
      // One of the two published both: one 'publish' step in total across the two trails.
      const steps = [...(await trail(moderator, a.body.id)), ...(await trail(moderator, b.body.id))].map((r) => r.action);
      expect(steps.filter((action) => action === 'publish')).toHaveLength(1);
      expect(steps.filter((action) => action === 'submit')).toHaveLength(2);
      // Each subject's averages moved by exactly one review.
      expect((await averagesOf(studio.orgId))?.count).toBe(before.studio + 1);
      expect((await averagesOf(enterprise.orgId))?.count).toBe(before.enterprise + 1);
      const published = (await inbox(studio.caller)).filter((n) => n.type === 'REVIEW_PUBLISHED' && [a.body.id, b.body.id].includes(n.entity.id));
      expect(published).toHaveLength(1);
    }
  });
});

describe('who may review and bad input', () => {
  it('answers 404 to non-parties and 403 to parties that do not review (the college, associations)', async () => {
    const contractId = await finishedContract();
    const before = await tableItemCount(api);
    expectError(await review(outsider.caller, contractId), 404);
    expectError(await contractReviews(outsider.caller, contractId), 404);
    expectError(await review(college.caller, contractId), 403, 'NOT_A_REVIEWING_PARTY');
    expectError(await review(moderator, contractId), 403, 'NOT_A_REVIEWING_PARTY');
    expectError(await review(enterprise.caller, 'ctr_01JD0000000000000000000000'), 404);
    expect(await tableItemCount(api)).toBe(before);
  });

  it('refuses ratings out of range, a missing comment and unknown fields with field paths, writing nothing', async () => {
    const contractId = await finishedContract();
    const before = await tableItemCount(api);
    const outOfRange = await review(enterprise.caller, contractId, { quality: 6, timeliness: 0, communication: 3 });
    expectError(outOfRange, 400, 'VALIDATION_FAILED');
    expect(issuePaths(outOfRange)).toEqual(expect.arrayContaining(['ratings.quality', 'ratings.timeliness']));
    expect(issuePaths(await enterprise.caller.post(`/v1/contracts/${contractId}/reviews`, { ratings: { quality: 5, timeliness: 5, communication: 5 } }))).toContain('comment');
    expectError(await enterprise.caller.post(`/v1/contracts/${contractId}/reviews`, { ratings: { quality: 5, timeliness: 5, communication: 5 }, comment: '很好很好很好', stars: 5 }), 400);
    expectError(await enterprise.caller.post(`/v1/contracts/${contractId}/reviews`, { ratings: { quality: 4.5, timeliness: 5, communication: 5 }, comment: '很好很好很好' }), 400);
    expect(await tableItemCount(api)).toBe(before);
  });
});

describe('replies, hiding and averages', () => {
  it('lets the reviewed organisation reply once, and nobody else', async () => {
    const contractId = await finishedContract();
    const aboutStudio = (await review(enterprise.caller, contractId, { quality: 2, timeliness: 2, communication: 2 }, '进度比计划晚了两周。')).body;
    expect((await review(studio.caller, contractId)).status).toBe(201);
    expectError(await enterprise.caller.post(`/v1/reviews/${aboutStudio.id}/reply`, { text: '补充说明' }), 403, 'NOT_REVIEWED_PARTY');
    expectError(await studio.caller.post(`/v1/reviews/${aboutStudio.id}/reply`, { text: '' }), 400);
    const replied = await studio.caller.post(`/v1/reviews/${aboutStudio.id}/reply`, { text: '延期是因现场停产，已提前告知。' });
    expect(replied.status, JSON.stringify(replied.body)).toBe(200);
    expectError(await studio.caller.post(`/v1/reviews/${aboutStudio.id}/reply`, { text: '再补充一次' }), 409, 'ALREADY_REPLIED');
    const shown = (await orgReviews(college.caller, studio.orgId)).body.items.find((r: { id: string }) => r.id === aboutStudio.id);
    expect(shown.reply).toEqual({ text: '延期是因现场停产，已提前告知。', at: expect.any(String) });
    expect((await inbox(enterprise.caller)).map((n) => n.type)).toContain('REVIEW_REPLIED');
    expect((await trail(studio.caller, aboutStudio.id)).map((r) => r.action)).toContain('reply');
  });

  it('lets an association hide a review for cause: audited, out of public lists and of the averages', async () => {
    const contractId = await finishedContract();
    const harsh = (await review(enterprise.caller, contractId, { quality: 1, timeliness: 1, communication: 1 }, '含有与项目无关的攻击内容。')).body;
    expect((await review(studio.caller, contractId)).status).toBe(201);
    const before = (await averagesOf(studio.orgId))!;
    expectError(await enterprise.caller.post(`/v1/reviews/${harsh.id}/hide`, { reason: '我方想撤回这条评价' }), 403);
    expectError(await studio.caller.post(`/v1/reviews/${harsh.id}/hide`, { reason: '这条评价不公平' }), 403);
    expectError(await moderator.post(`/v1/reviews/${harsh.id}/hide`, {}), 400);

    const hidden = await moderator.post(`/v1/reviews/${harsh.id}/hide`, { reason: '评价含人身攻击，违反平台规则。' });
    expect(hidden.status, JSON.stringify(hidden.body)).toBe(200);
    expect(hidden.body.hidden).toMatchObject({ reason: '评价含人身攻击，违反平台规则。' });
    expectError(await moderator.post(`/v1/reviews/${harsh.id}/hide`, { reason: '再次隐藏这条评价' }), 409, 'ALREADY_HIDDEN');

    const after = (await averagesOf(studio.orgId))!;
    expect(after.count).toBe(before.count - 1);
    expect(after.quality).toBeGreaterThan(before.quality);
    expect((await orgReviews(college.caller, studio.orgId)).body.items.map((r: { id: string }) => r.id)).not.toContain(harsh.id);
    expect((await orgReviews(studio.caller, studio.orgId)).body.averages.count).toBe(after.count);
    expect((await orgReviews(moderator, studio.orgId)).body.items.find((r: { id: string }) => r.id === harsh.id).hidden.reason).toBe('评价含人身攻击，违反平台规则。');
    const steps = await trail(moderator, harsh.id);
    expect(steps.at(-1)).toMatchObject({ action: 'hide', details: { reason: '评价含人身攻击，违反平台规则。' } });
    expectError(await studio.caller.post(`/v1/reviews/${harsh.id}/reply`, { text: '回复一条已隐藏的评价' }), 404);
  });

  it('folds reputation into matching: a rated studio gets its documented points, an unrated one is neutral, not zeroed', async () => {
    const newcomer = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId, capabilities: ['机器视觉'] });
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const matches = await enterprise.caller.get(`/v1/matches?requestId=${requestId}`);
    expect(matches.status, JSON.stringify(matches.body)).toBe(200);
    type Match = { studio: { id: string }; score: number; reputation: number; averages: { overall: number; count: number } | null };
    const byId = new Map((matches.body.items as Match[]).map((m) => [m.studio.id, m]));
    const rated = byId.get(studio.orgId)!;
    const averages = (await averagesOf(studio.orgId))!;
    const expected = Math.round((averages.overall - 3) * REPUTATION_WEIGHT * (Math.min(averages.count, 5) / 5) * 100) / 100;
    expect(rated.averages).toMatchObject({ overall: averages.overall, count: averages.count });
    expect(rated.reputation).toBe(expected);
    const fresh = byId.get(newcomer.orgId)!;
    expect(fresh).toMatchObject({ reputation: 0, averages: null });
    expect(fresh.score).toBeGreaterThan(0);
  });
});

describe('the publication job', () => {
  it(`publishes a lone review ${REVIEW_WINDOW_DAYS} days after the contract ended, once, and then takes no more reviews`, async () => {
    const contractId = await finishedContract();
    const lone = (await review(studio.caller, contractId, { quality: 4, timeliness: 4, communication: 4 }, '企业验收及时。')).body;
    expect(lone.status).toBe('SEALED');
    expect((await runScheduledJobs(api.deps)).publishedReviews).toBe(0);
    expect((await orgReviews(college.caller, enterprise.orgId)).body.items.map((r: { id: string }) => r.id)).not.toContain(lone.id);

    clock.advanceDays(REVIEW_WINDOW_DAYS);
    clock.advance(60_000);
    const report = await runScheduledJobs(api.deps);
    expect(report.failures).toEqual([]);
    // This one, and the lone reviews the tests above left sealed.
    expect(report.publishedReviews).toBeGreaterThanOrEqual(1);
    expect((await orgReviews(college.caller, enterprise.orgId)).body.items.map((r: { id: string }) => r.id)).toContain(lone.id);
    expect((await trail(studio.caller, lone.id)).map((r) => r.action)).toEqual(['submit', 'publish']);
    // Idempotent: the timer is gone, a second run publishes nothing.
    expect((await runScheduledJobs(api.deps)).publishedReviews).toBe(0);
    expect((await trail(studio.caller, lone.id)).map((r) => r.action)).toEqual(['submit', 'publish']);
    expectError(await review(enterprise.caller, contractId), 409, 'REVIEW_WINDOW_CLOSED');
  });
});
