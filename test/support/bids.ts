import { expect } from 'vitest';
import type { Caller } from './harness.js';
import { bidBody } from './bid-body.js';

export { bidBody };


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
