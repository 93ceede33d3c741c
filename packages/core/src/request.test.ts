import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { money } from './money.js';
import { assertRequestContentValid, type RequestContent } from './request.js';

const NOW = new Date('2026-03-01T08:00:00.000Z');
const DAY = 86_400_000;
const inDays = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();

const content = (overrides: Partial<RequestContent> = {}): RequestContent => ({
  title: '焊缝缺陷视觉检测',
  summary: '需要对焊缝的气孔与裂纹进行在线视觉检测。',
  details: '节拍 3 秒/件；需提供光源、相机选型与检测算法。',
  cluster: 'smart-manufacturing',
  tags: ['机器视觉', '质量检测'],
  budget: { min: money(5_000_000), max: money(10_000_000) },
  biddingDeadline: inDays(20),
  wantedBy: inDays(90),
  ipPreference: 'JOINT',
  ...overrides,
});

/** The issues of the ValidationError `act` throws, as path → code. */
function issuesOf(act: () => void): Record<string, string | undefined> {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).status).toBe(400);
    const { issues } = (error as ValidationError).details as { issues: { path: string; code?: string }[] };
    return Object.fromEntries(issues.map((issue) => [issue.path, issue.code]));
  }
  throw new Error('expected a ValidationError');
}

describe('assertRequestContentValid', () => {
  it('accepts a well-formed request', () => {
    expect(() => assertRequestContentValid(content(), NOW)).not.toThrow();
  });

  it('accepts an equal minimum and maximum budget and no wanted date', () => {
    expect(() => assertRequestContentValid(content({ budget: { min: money(100), max: money(100) }, wantedBy: undefined }), NOW)).not.toThrow();
  });

  it('refuses a minimum budget above the maximum', () => {
    expect(issuesOf(() => assertRequestContentValid(content({ budget: { min: money(200), max: money(100) } }), NOW))).toEqual({
      'budget.min.amount': 'BUDGET_RANGE',
    });
  });

  it('refuses budget bounds in two currencies', () => {
    const usd = { amount: 100, currency: 'USD' } as unknown as ReturnType<typeof money>;
    expect(issuesOf(() => assertRequestContentValid(content({ budget: { min: money(100), max: usd } }), NOW))).toMatchObject({
      'budget.max.currency': 'CURRENCY_MISMATCH',
    });
  });

  it.each([
    ['in the past', inDays(-1)],
    ['exactly now', NOW.toISOString()],
    ['not a date', 'soon'],
  ])('refuses a bidding deadline %s', (_label, biddingDeadline) => {
    expect(issuesOf(() => assertRequestContentValid(content({ biddingDeadline, wantedBy: undefined }), NOW))).toEqual({
      biddingDeadline: 'DEADLINE_PAST',
    });
  });

  it('refuses a wanted delivery date on or before the bidding deadline', () => {
    expect(issuesOf(() => assertRequestContentValid(content({ wantedBy: inDays(20) }), NOW))).toEqual({ wantedBy: 'WANTED_BEFORE_DEADLINE' });
    expect(issuesOf(() => assertRequestContentValid(content({ wantedBy: inDays(5) }), NOW))).toEqual({ wantedBy: 'WANTED_BEFORE_DEADLINE' });
  });

  it('refuses repeated tags', () => {
    expect(issuesOf(() => assertRequestContentValid(content({ tags: ['PLC', 'PLC'] }), NOW))).toEqual({ tags: 'DUPLICATE_TAG' });
  });

  it('reports every broken rule at once, each with its field path', () => {
    const issues = issuesOf(() =>
      assertRequestContentValid(
        content({ budget: { min: money(2), max: money(1) }, biddingDeadline: inDays(-3), wantedBy: inDays(-4), tags: ['a', 'a'] }),
        NOW,
      ),
    );
    expect(Object.keys(issues).sort()).toEqual(['biddingDeadline', 'budget.min.amount', 'tags', 'wantedBy']);
  });

  it('judges the deadline against the clock it is given, so a stale draft fails on submit', () => {
    const draft = content();
    expect(() => assertRequestContentValid(draft, NOW)).not.toThrow();
    expect(issuesOf(() => assertRequestContentValid(draft, new Date(NOW.getTime() + 21 * DAY)))).toEqual({ biddingDeadline: 'DEADLINE_PAST' });
  });
});
