import { expect } from 'vitest';
import type { Caller } from './harness.js';
import { cny } from './fixtures.js';

/** A valid bid: price split over milestones that add up to it exactly. */
export function bidBody(priceYuan = 90_000, overrides: Record<string, unknown> = {}) {
  const first = Math.floor(priceYuan / 3);
  return {
    price: cny(priceYuan),
    durationDays: 90,
    approach: '采用结构光与深度学习相结合的检测方案，先离线验证再上线。',
    milestones: [
      { title: '方案设计与样机', amount: cny(first), dueInDays: 30 },
      { title: '现场部署与验收', amount: cny(priceYuan - first), dueInDays: 90 },
    ],
    team: { teachers: ['王老师'], students: ['李同学', '张同学'], mentors: ['赵工'] },
    ...overrides,
  };
}

export async function placeBid(studio: Caller, requestId: string, priceYuan?: number) {
  const response = await studio.post(`/v1/requests/${requestId}/bids`, bidBody(priceYuan));
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id as string;
}

/** The simplest valid share agreement between the enterprise and the studio. */
export const evenShares = (enterpriseOrgId: string, studioOrgId: string) => ({
  benefitShares: [
    { orgId: enterpriseOrgId, bps: 6000 },
    { orgId: studioOrgId, bps: 4000 },
  ],
  riskShares: [
    { orgId: enterpriseOrgId, bps: 7000 },
    { orgId: studioOrgId, bps: 3000 },
  ],
  ipOwnership: 'JOINT' as const,
});
