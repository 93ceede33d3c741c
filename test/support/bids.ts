import { expect } from 'vitest';
import type { Caller } from './harness.js';
import { bidBody } from './bid-body.js';

export { bidBody };

/** The studio bids on the request with its roster team; the new bid's id. */
export async function placeBid(studio: { caller: Caller; team: { personIds: readonly string[] } }, requestId: string, priceYuan?: number) {
  const response = await studio.caller.post(`/v1/requests/${requestId}/bids`, bidBody(studio.team, priceYuan));
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
