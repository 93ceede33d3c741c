import { z } from 'zod';
import { defineStateMachine } from './state-machine.js';
import { ValidationError } from './errors.js';
import { moneySchema } from './money-schema.js';
import { assertBpsTotal } from './money.js';
import { shareAgreementSchema, teamSchema, type ShareAgreement } from './bid.js';
import { contractRegistrationSchema } from './tech-contract-type.js';
import { teamPersonSchema } from './person.js';
import { contractPoolSchema, type ContractPool } from './pool.js';
import { contractOverheadSchema } from './overhead.js';

export const CONTRACT_STATUSES = ['PENDING_SIGNATURES', 'ACTIVE', 'COMPLETED', 'TERMINATED'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];
export type ContractAction = 'activate' | 'complete' | 'terminate';

export const contractLifecycle = defineStateMachine<ContractStatus, ContractAction>('contract', {
  activate: { from: ['PENDING_SIGNATURES'], to: 'ACTIVE' },
  complete: { from: ['ACTIVE'], to: 'COMPLETED' },
  terminate: { from: ['ACTIVE'], to: 'TERMINATED' },
});

export const MILESTONE_STATUSES = ['PENDING', 'FUNDED', 'SUBMITTED', 'RELEASED', 'DISPUTED', 'REFUNDED', 'SPLIT'] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];
export type MilestoneAction =
  | 'fund' | 'submit' | 'accept' | 'requestRevision' | 'dispute' | 'resolveRelease' | 'resolveRefund' | 'resolveSplit' | 'autoRelease'
  | 'terminateRefund' | 'fundPart';

/** The milestone lifecycle of PRODUCT.md §2. */
export const milestoneLifecycle = defineStateMachine<MilestoneStatus, MilestoneAction>('milestone', {
  fund: { from: ['PENDING'], to: 'FUNDED' },
  // A pool member funds its part; the milestone stays PENDING until the last part (which is 'fund').
  fundPart: { from: ['PENDING'], to: 'PENDING' },
  submit: { from: ['FUNDED'], to: 'SUBMITTED' },
  accept: { from: ['SUBMITTED'], to: 'RELEASED' },
  autoRelease: { from: ['SUBMITTED'], to: 'RELEASED' },
  requestRevision: { from: ['SUBMITTED'], to: 'FUNDED' },
  dispute: { from: ['FUNDED', 'SUBMITTED'], to: 'DISPUTED' },
  resolveRelease: { from: ['DISPUTED'], to: 'RELEASED' },
  resolveRefund: { from: ['DISPUTED'], to: 'REFUNDED' },
  resolveSplit: { from: ['DISPUTED'], to: 'SPLIT' },
  // An association terminating the contract refunds what escrow holds; a disputed milestone is decided first.
  terminateRefund: { from: ['FUNDED', 'SUBMITTED'], to: 'REFUNDED' },
});

/** Milestone states in which nothing remains to be done. */
/**
 * A bid plans at most this many milestones (checked on every bid), and a
 * contract has exactly its accepted bid's: reading a contract's milestones is
 * one Query with a bound that cannot grow.
 */
export const MAX_MILESTONES = 20;

export const SETTLED_MILESTONE_STATUSES: readonly MilestoneStatus[] = ['RELEASED', 'REFUNDED', 'SPLIT'];

export const DEFAULT_REVIEW_WINDOW_DAYS = 14;

export const signatureSchema = z.object({ orgId: z.string(), sub: z.string(), at: z.string() });

export const contractSchema = z.object({
  id: z.string(),
  requestId: z.string(),
  bidId: z.string(),
  title: z.string(),
  /** The request's industry cluster, kept for consortium statistics. */
  cluster: z.string().optional(),
  /** The winning bid's team: the education outcome (协同育人) of the project. */
  team: teamSchema.optional(),
  /** The enterprise mentor (企业导师) named at award from the enterprise's roster (issue 14); absent on older contracts. */
  enterpriseMentor: teamPersonSchema.optional(),
  enterpriseOrgId: z.string(),
  studioOrgId: z.string(),
  collegeOrgId: z.string().optional(),
  governmentOrgId: z.string().optional(),
  status: z.enum(CONTRACT_STATUSES),
  price: moneySchema,
  milestoneCount: z.number().int(),
  shares: shareAgreementSchema,
  /** Organisations that must sign before the contract is ACTIVE and money may move. */
  requiredSigners: z.array(z.string()),
  signatures: z.array(signatureSchema),
  reviewWindowDays: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  activatedAt: z.string().optional(),
  /** Applied change orders so far (absent: none); a change order proposed against another plan version is SUPERSEDED. */
  planVersion: z.number().int().optional(),
  /** The highest milestone number ever used (absent: `milestoneCount`), so a removed milestone's number is never reused. */
  lastMilestoneN: z.number().int().optional(),
  /** Milestones the scheduled job has flagged overdue and that are not settled yet (absent: 0). */
  overdueMilestones: z.number().int().optional(),
  /** 技术合同认定登记: type and technology transaction amount chosen at award (absent on older contracts). */
  registration: contractRegistrationSchema.optional(),
  /** A pooled request's funders with their bps (the enterprise first, totalling 10 000); absent: the enterprise alone. */
  pool: contractPoolSchema.optional(),
  /**
   * An approved subsidy of a programme (absent: none): the government co-funds
   * each milestone at `bps`, at most the fen reserved for it at approval (`shares`, by milestone number).
   */
  grant: z
    .object({
      programmeId: z.string(),
      applicationId: z.string(),
      orgId: z.string(),
      bps: z.number().int(),
      reserved: z.number().int(),
      shares: z.record(z.string(), z.number().int()),
      approvedAt: z.string(),
      /** Fen returned to the programme when the contract ended. */
      returned: z.number().int().optional(),
    })
    .optional(),
  /** The college overhead rate in force at the last signature (absent: none). */
  overhead: contractOverheadSchema.optional(),
  version: z.number().int(),
});
export type Contract = z.infer<typeof contractSchema>;

export const milestoneSchema = z.object({
  contractId: z.string(),
  n: z.number().int(),
  title: z.string(),
  amount: moneySchema,
  dueInDays: z.number().int(),
  /** The absolute due instant (end of the Asia/Shanghai day), set when the contract becomes ACTIVE; absent on older contracts. */
  dueAt: z.string().optional(),
  /** When the scheduled job found it past its due date while not settled (cleared when a change moves the date later). */
  overdueAt: z.string().optional(),
  status: z.enum(MILESTONE_STATUSES),
  /** What each funder paid into escrow for this milestone (enterprise and, with a subsidy, government). */
  funding: z.array(z.object({ orgId: z.string(), amount: z.number().int() })).optional(),
  /** Of a pooled contract: the members that have funded their part so far (the FUND entry is posted with the last). */
  fundedParts: z.array(z.object({ orgId: z.string(), sub: z.string(), at: z.string(), reference: z.string().optional() })).optional(),
  submission: z.object({ note: z.string(), link: z.string().optional(), at: z.string() }).optional(),
  disputeId: z.string().optional(),
  fundedAt: z.string().optional(),
  submittedAt: z.string().optional(),
  settledAt: z.string().optional(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type Milestone = z.infer<typeof milestoneSchema>;

/** Organisations that are parties to the contract: they may read it and its ledger. */
export const contractParties = (contract: Pick<Contract, 'enterpriseOrgId' | 'studioOrgId' | 'collegeOrgId' | 'governmentOrgId'> & { pool?: ContractPool }) =>
  [contract.enterpriseOrgId, contract.studioOrgId, contract.collegeOrgId, contract.governmentOrgId, ...coFunders(contract)].filter(
    (orgId): orgId is string => Boolean(orgId),
  );

/** The pool's members besides the enterprise: co-funders and signers of a pooled contract. */
export const coFunders = (contract: { enterpriseOrgId: string; pool?: ContractPool }) =>
  (contract.pool?.members ?? []).map((member) => member.orgId).filter((orgId) => orgId !== contract.enterpriseOrgId);

/**
 * Validates a share agreement against the contract's parties: both share tables
 * sum to exactly 10 000 bps, name only parties, and name each at most once; a
 * subsidy is a government's share strictly between 0 and 100 %.
 */
export function assertShareAgreement(shares: ShareAgreement, parties: readonly string[], path = 'shares'): void {
  for (const table of ['benefitShares', 'riskShares'] as const) {
    assertBpsTotal(shares[table], `${path}.${table}`);
    const seen = new Set<string>();
    shares[table].forEach((share, index) => {
      if (!parties.includes(share.orgId)) {
        throw ValidationError.field(`${path}.${table}.${index}.orgId`, 'Shares can only go to parties of the contract.', 'NOT_A_PARTY');
      }
      if (seen.has(share.orgId)) {
        throw ValidationError.field(`${path}.${table}.${index}.orgId`, 'Each party appears once per share table.', 'DUPLICATE_PARTY');
      }
      seen.add(share.orgId);
    });
  }
  if (shares.subsidy && (shares.subsidy.bps <= 0 || shares.subsidy.bps >= 10_000 || !Number.isInteger(shares.subsidy.bps))) {
    throw ValidationError.field(`${path}.subsidy.bps`, 'A subsidy co-funds between 1 and 9999 basis points of each milestone.', 'BPS_RANGE');
  }
}
