import {
  ConflictError, ForbiddenError, NotFoundError, applicationLifecycleNext, assertApplicable, assertProgrammeFields, isAssociation, isProgrammeOpen,
  ledgerAccount, netSubsidyPaid, programmeCounter, programmeFigures, requireVerified, reservationFor, subsidyDeltas, subsidyFunded,
  unspentReservation,
  type ApplicationDecision, type Contract, type JournalEntry, type Principal, type Programme, type ProgrammeApplication,
} from '@sharedtech/core';
import {
  getContract, getProgramme, getProgrammeApplication, keys, listApplicationsOfApplicant, listApplicationsOfProgramme, listContractBalances,
  listMilestones, listProgrammes, moveProgrammeSums, reserveFromProgramme, statsWrites, unchangedSince, writeApplicationChange,
  writeNewProgramme, writesForContractChange, writesForNewApplication, type PageRequest, type Write,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange, toOrg } from './change.js';
import { runIdempotent, type CommandResult, type IdempotencyInput } from './idempotency.js';

/**
 * Subsidy programmes: a government body publishes a programme with a budget;
 * an enterprise applies on one of its awarded or ACTIVE contracts; the
 * government approves (reserving the subsidy against the budget, atomically)
 * or rejects. The reserved subsidy is posted in FUND entries (core
 * `fundingShares`), and a contract that ends returns what it did not use.
 */

export type ProgrammeView = Omit<Programme, 'version'> & { figures: ReturnType<typeof programmeFigures>; open: boolean };

export const viewOfProgramme = ({ version: _version, ...programme }: Programme, now: Date): ProgrammeView => ({
  ...programme,
  figures: programmeFigures(programme),
  open: isProgrammeOpen(programme, now),
});

export type ApplicationView = Omit<ProgrammeApplication, 'version'>;
const viewOfApplication = ({ version: _version, ...application }: ProgrammeApplication): ApplicationView => application;

export interface ProgrammeInput {
  name: string;
  description?: string;
  budget: { amount: number; currency: 'CNY' };
  maxBps: number;
  clusters: string[];
  opensOn: string;
  closesOn: string;
}

/** A verified government body publishes a programme. */
export async function publishProgramme(deps: ServiceDeps, principal: Principal, input: ProgrammeInput): Promise<ProgrammeView> {
  const acting = requireVerified(principal, ['GOVERNMENT']);
  assertProgrammeFields(input);
  const now = deps.clock();
  const programme: Programme = {
    id: deps.ids('programme'),
    governmentOrgId: acting.org.id,
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    budget: input.budget,
    maxBps: input.maxBps,
    clusters: [...new Set(input.clusters)],
    opensOn: input.opensOn,
    closesOn: input.closesOn,
    committed: 0,
    paid: 0,
    createdBy: principal.sub,
    createdAt: now.toISOString(),
    version: 1,
  };
  await applyChange(deps, principal, {
    writes: [writeNewProgramme(deps.db, programme)],
    transitions: [{ entity: { type: 'programme', id: programme.id }, action: 'publish', after: 'PUBLISHED', details: { budget: input.budget.amount }, creates: true }],
  });
  return viewOfProgramme(programme, now);
}

/** Programmes are public to every member of the consortium. */
export async function listAllProgrammes(deps: ServiceDeps, _principal: Principal, page: PageRequest) {
  const result = await listProgrammes(deps.db, page);
  const now = deps.clock();
  return { items: result.items.map((programme) => viewOfProgramme(programme, now)), nextCursor: result.nextCursor };
}

async function loadProgramme(deps: ServiceDeps, programmeId: string, consistent = false): Promise<Programme> {
  const programme = await getProgramme(deps.db, programmeId, consistent);
  if (!programme) throw new NotFoundError('Programme', programmeId);
  return programme;
}

export async function readProgramme(deps: ServiceDeps, _principal: Principal, programmeId: string): Promise<ProgrammeView> {
  return viewOfProgramme(await loadProgramme(deps, programmeId, true), deps.clock());
}

const isProgrammeGovernment = (principal: Principal, programme: Programme) =>
  principal.membership?.orgId === programme.governmentOrgId && principal.org?.status === 'VERIFIED';

/** An enterprise applies for a share of one of its awarded or ACTIVE contracts. */
export async function applyToProgramme(
  deps: ServiceDeps,
  principal: Principal,
  programmeId: string,
  input: { contractId: string; bps: number },
): Promise<ApplicationView> {
  const acting = requireVerified(principal, ['ENTERPRISE']);
  const programme = await loadProgramme(deps, programmeId);
  const contract = await getContract(deps.db, input.contractId, true);
  if (!contract || contract.enterpriseOrgId !== acting.org.id) throw new NotFoundError('Contract', input.contractId);
  const now = deps.clock();
  assertApplicable(programme, contract, input.bps, now);
  const at = now.toISOString();
  const application: ProgrammeApplication = {
    id: deps.ids('application'),
    programmeId: programme.id,
    programmeName: programme.name,
    governmentOrgId: programme.governmentOrgId,
    contractId: contract.id,
    contractTitle: contract.title,
    applicantOrgId: acting.org.id,
    ...(contract.cluster ? { cluster: contract.cluster } : {}),
    bps: input.bps,
    status: 'PENDING',
    appliedBy: principal.sub,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await applyChange(deps, principal, {
    writes: writesForNewApplication(deps.db, application),
    transitions: [
      { entity: { type: 'application', id: application.id }, action: 'apply', after: 'PENDING', details: { programmeId: programme.id, contractId: contract.id, bps: input.bps }, creates: true },
    ],
    notify: [{ to: toOrg(programme.governmentOrgId), type: 'SUBSIDY_APPLIED', params: { programme: programme.name, title: contract.title } }],
  });
  return viewOfApplication(application);
}

/** The programme's government sees every application; an applicant its own. */
export async function listProgrammeApplications(deps: ServiceDeps, principal: Principal, programmeId: string, page: PageRequest) {
  const programme = await loadProgramme(deps, programmeId);
  if (isProgrammeGovernment(principal, programme) || isAssociation(principal)) {
    const result = await listApplicationsOfProgramme(deps.db, programme.id, page);
    return { items: result.items.map(viewOfApplication), nextCursor: result.nextCursor };
  }
  const orgId = principal.membership?.orgId;
  if (!orgId) return { items: [], nextCursor: null };
  const result = await listApplicationsOfApplicant(deps.db, orgId, programme.id, page);
  return { items: result.items.map(viewOfApplication), nextCursor: result.nextCursor };
}

/** An application, for its programme's government, its applicant and associations (404 for anyone else). */
export async function getVisibleApplication(deps: ServiceDeps, principal: Principal, applicationId: string, consistent = false) {
  const application = await getProgrammeApplication(deps.db, applicationId, consistent);
  const orgId = principal.membership?.orgId;
  if (!application || !(isAssociation(principal) || (orgId !== undefined && [application.governmentOrgId, application.applicantOrgId].includes(orgId)))) {
    throw new NotFoundError('Application', applicationId);
  }
  return { application, programme: await loadProgramme(deps, application.programmeId, consistent) };
}

/** Whether the caller may read a programme's audit trail: its government body and associations. */
export async function mayReadProgrammeTrail(deps: ServiceDeps, principal: Principal, programmeId: string) {
  const programme = await loadProgramme(deps, programmeId);
  return isAssociation(principal) || principal.membership?.orgId === programme.governmentOrgId;
}

const applicationChanged = () => new ConflictError('CONCURRENT_UPDATE', 'The application was decided meanwhile; reload it.');
const contractChanged = () => new ConflictError('CONCURRENT_UPDATE', 'The contract changed meanwhile; reload and try again.');
const milestonesChanged = () => new ConflictError('MILESTONES_CHANGED', 'A milestone of this contract was funded meanwhile; try again.');

/**
 * The programme's government approves or rejects. Approval reserves the
 * subsidy of every milestone not yet funded against the budget (a condition on
 * the programme item), sets the contract's grant and the application's state in
 * one transaction: under any concurrency the approved total stays within budget.
 */
export async function decideApplication(
  deps: ServiceDeps,
  principal: Principal,
  applicationId: string,
  input: { decision: ApplicationDecision; reason?: string },
  idempotency?: IdempotencyInput,
): Promise<CommandResult<ApplicationView>> {
  return runIdempotent(deps, principal, idempotency, async (recordFor) => {
    const { application, programme } = await getVisibleApplication(deps, principal, applicationId, true);
    if (!isProgrammeGovernment(principal, programme)) {
      throw new ForbiddenError('NOT_PROGRAMME_OWNER', 'Only the government body that published the programme decides its applications.');
    }
    const status = applicationLifecycleNext(application.status, input.decision);
    const now = deps.clock();
    const at = now.toISOString();
    const writes: Write[] = [];
    let reserved: number | undefined;
    if (status === 'APPROVED') {
      const contract = await getContract(deps.db, application.contractId, true);
      if (!contract) throw new NotFoundError('Contract', application.contractId);
      if (contract.status !== 'PENDING_SIGNATURES' && contract.status !== 'ACTIVE') {
        throw new ConflictError('CONTRACT_NOT_OPEN', `The contract is ${contract.status}; a subsidy can no longer be approved.`, { status: contract.status });
      }
      if (contract.shares.subsidy || contract.grant) throw new ConflictError('ALREADY_SUBSIDISED', 'This contract already has a government subsidy.');
      const milestones = await listMilestones(deps.db, contract.id, true);
      const reservation = reservationFor(milestones, application.bps);
      if (reservation.reserved === 0) throw new ConflictError('NOTHING_TO_SUBSIDISE', 'Every milestone of this contract is funded already.');
      reserved = reservation.reserved;
      const granted: Contract = {
        ...contract,
        grant: { programmeId: programme.id, applicationId: application.id, orgId: programme.governmentOrgId, bps: application.bps, ...reservation, approvedAt: at },
        updatedAt: at,
        version: contract.version + 1,
      };
      writes.push(
        reserveFromProgramme(deps.db, programme, reservation.reserved),
        ...writesForContractChange(deps.db, contract, granted, contractChanged),
        ...milestones
          .filter((milestone) => milestone.status === 'PENDING')
          .map((milestone) => unchangedSince(deps.db, keys.milestone(contract.id, milestone.n), milestone.version, milestonesChanged)),
        ...statsWrites(deps.db, subsidyDeltas(programmeCounter.approved, contract.cluster, programme.id, contract.id, reservation.reserved, at)),
      );
    }
    const next: ProgrammeApplication = {
      ...application,
      status,
      ...(reserved !== undefined ? { reserved } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
      decidedBy: principal.sub,
      decidedAt: at,
      updatedAt: at,
      version: application.version + 1,
    };
    const body = viewOfApplication(next);
    await applyChange(deps, principal, {
      writes: [writeApplicationChange(deps.db, next, applicationChanged), ...writes, ...recordFor(200, body)],
      transitions: [
        { entity: { type: 'application', id: application.id }, action: input.decision, before: application.status, after: status, details: { reserved, reason: input.reason } },
        ...(status === 'APPROVED' ? [{ entity: { type: 'contract' as const, id: application.contractId }, action: 'subsidy-approved', details: { programmeId: programme.id, bps: application.bps, reserved } }] : []),
      ],
      notify: [
        {
          to: toOrg(application.applicantOrgId),
          type: status === 'APPROVED' ? 'SUBSIDY_APPROVED' : 'SUBSIDY_REJECTED',
          params: { programme: programme.name, title: application.contractTitle, reason: input.reason ?? '' },
        },
      ],
    });
    return { status: 200, body };
  });
}

// ── The grant's money, in the milestone and termination transactions ────────

/**
 * What posting these entries of a contract with a grant does to its programme,
 * in the same transaction: `paid` moves by the net subsidy (FUND out of,
 * refunds back to, the government's account) and the gross FUND subsidy counts
 * as `subsidy>PAID`. When the step also ends the contract (`ends`: terminated
 * or completed), the programme gets back what the government did not pay net —
 * the reservation less its net outflow on this contract after `entries` — as
 * `committed` down and `subsidy>RETURNED`. One update of the programme item.
 */
export async function grantWrites(
  deps: ServiceDeps,
  contract: Contract,
  entries: readonly JournalEntry[],
  ends: boolean,
  at: string,
): Promise<{ grant: Contract['grant']; writes: Write[] }> {
  const grant = contract.grant;
  if (!grant) return { grant, writes: [] };
  const net = entries.reduce((sum, entry) => sum + netSubsidyPaid(grant.orgId, entry.postings), 0);
  let returned: number | undefined;
  if (ends && grant.returned === undefined) {
    const account = ledgerAccount.external(grant.orgId);
    const balance = (await listContractBalances(deps.db, contract.id, true)).find((item) => item.account === account)?.amount ?? 0;
    returned = unspentReservation(grant, -balance + net);
  }
  return {
    grant: returned === undefined ? grant : { ...grant, returned },
    writes: [
      ...moveProgrammeSums(deps.db, grant.programmeId, { paid: net, committed: returned === undefined ? 0 : -returned }),
      ...statsWrites(deps.db, subsidyDeltas(programmeCounter.paid, contract.cluster, grant.programmeId, contract.id, subsidyFunded(grant.orgId, entries), at)),
      ...statsWrites(deps.db, subsidyDeltas(programmeCounter.returned, contract.cluster, grant.programmeId, contract.id, returned ?? 0, at)),
    ],
  };
}
