import { z } from 'zod';
import { defineStateMachine } from './state-machine.js';
import { ValidationError } from './errors.js';
import { moneySchema } from './money-schema.js';
import { sumMoney, type Money } from './money.js';
import { teamPersonSchema } from './person.js';

export const BID_STATUSES = ['SUBMITTED', 'WITHDRAWN', 'ACCEPTED', 'REJECTED', 'EXPIRED'] as const;
export type BidStatus = (typeof BID_STATUSES)[number];
export type BidAction = 'withdraw' | 'accept' | 'reject' | 'expire';

/** The bid (方案) lifecycle: only a SUBMITTED bid is live. */
export const bidLifecycle = defineStateMachine<BidStatus, BidAction>('bid', {
  withdraw: { from: ['SUBMITTED'], to: 'WITHDRAWN' },
  accept: { from: ['SUBMITTED'], to: 'ACCEPTED' },
  reject: { from: ['SUBMITTED'], to: 'REJECTED' },
  expire: { from: ['SUBMITTED'], to: 'EXPIRED' },
});

export const plannedMilestoneSchema = z.object({ title: z.string(), amount: moneySchema, dueInDays: z.number().int() });
export type PlannedMilestone = z.infer<typeof plannedMilestoneSchema>;

export const teamSchema = z.object({
  teachers: z.array(z.string()),
  students: z.array(z.string()),
  mentors: z.array(z.string()),
  /** The roster people the team names (issue 14); absent on older, free-text teams, whose names are all there is. */
  people: z.array(teamPersonSchema).optional(),
  /** Set on views for callers who may not see personal data (never stored). */
  redacted: z.literal(true).optional(),
});
export type Team = z.infer<typeof teamSchema>;

export const shareSchema = z.object({ orgId: z.string(), bps: z.number().int() });
export const IP_OWNERSHIP = ['ENTERPRISE', 'COLLEGE', 'JOINT', 'LICENSED_TO_COFUNDERS'] as const;

export const shareAgreementSchema = z.object({
  benefitShares: z.array(shareSchema),
  riskShares: z.array(shareSchema),
  ipOwnership: z.enum(IP_OWNERSHIP),
  subsidy: z.object({ orgId: z.string(), bps: z.number().int() }).optional(),
  /** Years after the contract ends during which benefits are still reported (absent: DEFAULT_SHARE_TERM_YEARS). */
  termYears: z.number().int().optional(),
});
export type ShareAgreement = z.infer<typeof shareAgreementSchema>;

export const bidSchema = z.object({
  id: z.string(),
  requestId: z.string(),
  requestOwnerOrgId: z.string(),
  studioOrgId: z.string(),
  /** The studio's college when it bid (the college's read-only view); absent for studios of no college. */
  collegeOrgId: z.string().optional(),
  status: z.enum(BID_STATUSES),
  price: moneySchema,
  durationDays: z.number().int(),
  approach: z.string(),
  milestones: z.array(plannedMilestoneSchema),
  team: teamSchema,
  proposedShares: shareAgreementSchema.partial().optional(),
  /** The invitation to bid the studio had from the request's owner, if any (recorded when the bid is made). */
  invitationId: z.string().optional(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type Bid = z.infer<typeof bidSchema>;

/** A milestone plan must add up to the price exactly, in the price's currency. */
export function assertMilestonePlan(price: Money, milestones: readonly PlannedMilestone[], durationDays: number): void {
  const issues: { path: string; message: string; code: string }[] = [];
  milestones.forEach((milestone, index) => {
    if (milestone.amount.currency !== price.currency) {
      issues.push({ path: `milestones.${index}.amount.currency`, message: `Use the price's currency ${price.currency}.`, code: 'CURRENCY_MISMATCH' });
    }
    if (milestone.dueInDays > durationDays) {
      issues.push({ path: `milestones.${index}.dueInDays`, message: 'A milestone cannot be due after the bid’s duration.', code: 'MILESTONE_AFTER_DURATION' });
    }
  });
  if (issues.length === 0) {
    const total = sumMoney(milestones.map((milestone) => milestone.amount), price.currency).amount;
    if (total !== price.amount) {
      issues.push({ path: 'milestones', message: `Milestone amounts add up to ${total}, not the price ${price.amount}.`, code: 'MILESTONES_NOT_PRICE' });
    }
  }
  const dues = milestones.map((milestone) => milestone.dueInDays);
  if (dues.some((due, index) => index > 0 && due < dues[index - 1]!)) {
    issues.push({ path: 'milestones', message: 'Milestones must be listed in the order they are due.', code: 'MILESTONES_OUT_OF_ORDER' });
  }
  if (issues.length > 0) throw new ValidationError('The milestone plan is not valid.', issues);
}
