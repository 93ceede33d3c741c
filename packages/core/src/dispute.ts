import { z } from 'zod';
import { ValidationError } from './errors.js';
import { WHOLE_BPS } from './money.js';
import { defineStateMachine } from './state-machine.js';
import type { MilestoneAction } from './contract.js';

export const DISPUTE_STATUSES = ['OPEN', 'RESOLVED'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

/** What an association can decide about a disputed milestone's escrow. */
export const DISPUTE_OUTCOMES = ['RELEASE', 'REFUND', 'SPLIT'] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

/** A dispute is raised once and decided once; a second decision is a 409. */
export const disputeLifecycle = defineStateMachine<DisputeStatus, 'resolve'>('dispute', {
  resolve: { from: ['OPEN'], to: 'RESOLVED' },
});

export const disputeSchema = z.object({
  id: z.string(),
  contractId: z.string(),
  milestoneN: z.number().int(),
  status: z.enum(DISPUTE_STATUSES),
  reason: z.string(),
  raisedBy: z.object({ sub: z.string(), orgId: z.string() }),
  /** The milestone state the dispute interrupted (FUNDED or SUBMITTED). */
  milestoneStatusBefore: z.string(),
  outcome: z.enum(DISPUTE_OUTCOMES).optional(),
  studioBps: z.number().int().optional(),
  note: z.string().optional(),
  resolvedBy: z.object({ sub: z.string(), orgId: z.string() }).optional(),
  /** The journal entry that settled the milestone's escrow. */
  entryId: z.string().optional(),
  createdAt: z.string(),
  resolvedAt: z.string().optional(),
  version: z.number().int(),
});
export type Dispute = z.infer<typeof disputeSchema>;

export interface Resolution {
  outcome: DisputeOutcome;
  studioBps?: number;
}

/** The milestone lifecycle action an outcome takes. */
export const resolutionAction = (outcome: DisputeOutcome): MilestoneAction =>
  ({ RELEASE: 'resolveRelease', REFUND: 'resolveRefund', SPLIT: 'resolveSplit' } as const)[outcome];

/**
 * A SPLIT needs the studio's basis points strictly between 0 and 10 000: 0 %
 * would be a REFUND and 100 % a RELEASE, and recording them as such keeps the
 * ledger's entry kinds truthful. Other outcomes take no studioBps.
 */
export function assertResolution(resolution: Resolution): void {
  const { outcome, studioBps } = resolution;
  if (outcome === 'SPLIT') {
    if (studioBps === undefined) throw ValidationError.field('studioBps', 'A SPLIT says how many basis points go to the studio.', 'STUDIO_BPS_REQUIRED');
    if (!Number.isInteger(studioBps) || studioBps <= 0 || studioBps >= WHOLE_BPS) {
      throw ValidationError.field('studioBps', 'A SPLIT gives the studio between 1 and 9999 basis points; use RELEASE or REFUND for all or nothing.', 'BPS_RANGE');
    }
  } else if (studioBps !== undefined) {
    throw ValidationError.field('studioBps', `Only a SPLIT takes studioBps, not a ${outcome}.`, 'STUDIO_BPS_NOT_ALLOWED');
  }
}
