import { z } from 'zod';
import { defineStateMachine } from './state-machine.js';
import { ValidationError } from './errors.js';
import { moneySchema } from './money-schema.js';
import type { Money } from './money.js';

export const REQUEST_STATUSES = [
  'DRAFT', 'SUBMITTED', 'REJECTED', 'OPEN', 'AWARDED', 'CLOSED', 'CANCELLED', 'SUSPENDED',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const IP_PREFERENCES = ['ENTERPRISE', 'COLLEGE', 'JOINT'] as const;

export type RequestAction = 'submit' | 'approve' | 'reject' | 'award' | 'close' | 'cancel' | 'suspend';

/** The technical request (需求) lifecycle of PRODUCT.md §2. */
export const requestLifecycle = defineStateMachine<RequestStatus, RequestAction>('request', {
  submit: { from: ['DRAFT', 'REJECTED'], to: 'SUBMITTED' },
  approve: { from: ['SUBMITTED'], to: 'OPEN' },
  reject: { from: ['SUBMITTED'], to: 'REJECTED' },
  award: { from: ['OPEN'], to: 'AWARDED' },
  close: { from: ['OPEN'], to: 'CLOSED' },
  cancel: { from: ['DRAFT', 'SUBMITTED', 'REJECTED', 'OPEN'], to: 'CANCELLED' },
  suspend: { from: ['OPEN'], to: 'SUSPENDED' },
});

/** States in which the owner may still edit the request's content. */
export const EDITABLE_REQUEST_STATUSES: readonly RequestStatus[] = ['DRAFT', 'REJECTED'];
/** States anyone signed in may see; the rest are seen by the owner and associations only. */
export const PUBLIC_REQUEST_STATUSES: readonly RequestStatus[] = ['OPEN', 'AWARDED', 'CLOSED'];

export const technicalRequestSchema = z.object({
  id: z.string(),
  ownerOrgId: z.string(),
  status: z.enum(REQUEST_STATUSES),
  title: z.string(),
  summary: z.string(),
  details: z.string(),
  cluster: z.string(),
  tags: z.array(z.string()),
  budget: z.object({ min: moneySchema, max: moneySchema }),
  biddingDeadline: z.string(),
  wantedBy: z.string().optional(),
  ipPreference: z.enum(IP_PREFERENCES).optional(),
  reviewReason: z.string().optional(),
  /** When bidding opened (approval) and when it was awarded: days-to-award statistics. */
  openedAt: z.string().optional(),
  awardedAt: z.string().optional(),
  /**
   * Bids not withdrawn (what everyone may see). Moved by ADD in the transaction
   * that submits or withdraws a bid, which also moves `version`, so a change of
   * the request written at the version it read never overwrites a count.
   */
  bidCount: z.number().int().optional(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type TechnicalRequest = z.infer<typeof technicalRequestSchema>;

export interface RequestContent {
  title: string;
  summary: string;
  details: string;
  cluster: string;
  tags: string[];
  budget: { min: Money; max: Money };
  biddingDeadline: string;
  wantedBy?: string;
  ipPreference?: (typeof IP_PREFERENCES)[number];
}

/**
 * Rules across fields that a per-field schema cannot express. Checked on create,
 * on every edit (against the merged result) and again on submit, because a draft
 * written yesterday may have a deadline that has passed today.
 */
export function assertRequestContentValid(content: RequestContent, now: Date): void {
  const issues: { path: string; message: string; code: string }[] = [];
  const { min, max } = content.budget;
  if (min.currency !== max.currency) {
    issues.push({ path: 'budget.max.currency', message: 'Budget bounds must use one currency.', code: 'CURRENCY_MISMATCH' });
  }
  if (min.amount > max.amount) {
    issues.push({ path: 'budget.min.amount', message: 'The minimum budget is above the maximum.', code: 'BUDGET_RANGE' });
  }
  const deadline = Date.parse(content.biddingDeadline);
  if (!(deadline > now.getTime())) {
    issues.push({ path: 'biddingDeadline', message: 'The bidding deadline must be in the future.', code: 'DEADLINE_PAST' });
  }
  if (content.wantedBy !== undefined && !(Date.parse(content.wantedBy) > deadline)) {
    issues.push({ path: 'wantedBy', message: 'The wanted delivery date must be after the bidding deadline.', code: 'WANTED_BEFORE_DEADLINE' });
  }
  if (new Set(content.tags).size !== content.tags.length) {
    issues.push({ path: 'tags', message: 'Tags must not repeat.', code: 'DUPLICATE_TAG' });
  }
  if (issues.length > 0) throw new ValidationError('The request is not valid.', issues);
}

/**
 * Instants are stored in UTC (`toISOString`): the table compares them as
 * strings (bidding-deadline conditions, the closing job's filter), which is
 * only correct when every value has the same offset.
 */
export function normaliseRequestTimes<T extends Partial<Pick<RequestContent, 'biddingDeadline' | 'wantedBy'>>>(content: T): T {
  return {
    ...content,
    ...(content.biddingDeadline !== undefined ? { biddingDeadline: new Date(content.biddingDeadline).toISOString() } : {}),
    ...(content.wantedBy !== undefined ? { wantedBy: new Date(content.wantedBy).toISOString() } : {}),
  };
}
