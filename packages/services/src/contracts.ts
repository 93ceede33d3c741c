import {
  ConflictError, DEFAULT_REVIEW_WINDOW_DAYS, ForbiddenError, NotFoundError, ValidationError, assertShareAgreement,
  affiliatedCollegeOf, contractLifecycle, contractParties, isAssociation, newPeople, peopleDeltas, requestLifecycle, requireMember, requireVerified, bidLifecycle, withDueDates, teamPersonOf, withPersonalDataFor,
  coFunders, contractPoolOf, poolAwardDeltas,
  type Contract, type Milestone, type Principal, type ShareAgreement, type TechnicalRequest, assertRegistration, type ContractRegistration,
} from '@sharedtech/core';
import {
  addStudioPeople, getContract, getPerson, getOrganisation, getStudioPeople, listMilestones, putTask, statsWrites, writesForBidChange, dueTimerWrites, putMilestoneVersion,
  writesForContractChange, writesForNewContract, writesForRequestChange, putRegistrationEntry, getPool, poolAbsent, poolUnchangedSince, getOverheadRate, unchangedSince, keys,
  listPeopleOfOrg,
} from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { bidChangedMeanwhile, settleLiveBidsNow } from './bid-lifecycle.js';
import { getVisibleBid } from './bids.js';
import { applyChange, retryingConflicts, toOrg, type NotificationSpec } from './change.js';
import { getVisibleRequest } from './requests.js';
import { settledValue } from './concurrently.js';

export interface AwardInput {
  bidId: string;
  shares: ShareAgreement;
  reviewWindowDays?: number;
  registration?: ContractRegistration;
  /** The enterprise mentor (企业导师): an engineer of the enterprise's roster. */
  mentorPersonId?: string;
}

const poolChangedMeanwhile = () => new ConflictError('POOL_CHANGED', 'The pool of this request changed meanwhile (a member joined or left); review it and award again.');
const alreadyAwarded = () => new ConflictError('ALREADY_AWARDED', 'This request has already been awarded or changed meanwhile.');

/** A contract without its optimistic-lock version, with its milestones. */
export const viewOfContract = ({ version: _version, ...contract }: Contract, milestones: Milestone[]) => ({
  ...contract,
  milestones: milestones.map(({ version: _v, contractId: _c, ...milestone }) => milestone),
});

/**
 * The owner accepts one bid. One transaction moves the request to AWARDED and
 * the bid to ACCEPTED, and creates the contract with its milestones — or
 * nothing happens. Both the request and the bid are written conditionally on
 * the version read, so of concurrent awards exactly one commits. The other
 * bids are rejected by a follow-up queued in the same transaction.
 */
export async function awardRequest(deps: ServiceDeps, principal: Principal, requestId: string, input: AwardInput) {
  // Counting the team's people for the statistics is conditional on no concurrent award of the same
  // studio having counted one of them first; that rare race is settled by trying again from a fresh read.
  return retryingConflicts(['TEAM_RECORDED_MEANWHILE'], 3, () => awardOnce(deps, principal, requestId, input));
}

async function awardOnce(deps: ServiceDeps, principal: Principal, requestId: string, input: AwardInput) {
  const enterprise = requireVerified(principal, ['ENTERPRISE']);
  // The request and the bid are read at once; their checks still run (and refuse) in this order.
  const [requestRead, bidRead] = await Promise.allSettled([getVisibleRequest(deps, principal, requestId, true), getVisibleBid(deps, principal, input.bidId, true)]);
  const request = settledValue(requestRead);
  if (request.ownerOrgId !== enterprise.org.id) {
    throw new ForbiddenError('NOT_REQUEST_OWNER', 'Only the enterprise that posted this request can award it.');
  }
  const requestStatus = requestLifecycle.next(request.status, 'award');
  const bid = settledValue(bidRead);
  if (bid.requestId !== request.id) throw ValidationError.field('bidId', 'This bid is for another request.', 'BID_OF_OTHER_REQUEST');
  const bidStatus = bidLifecycle.next(bid.status, 'accept');

  // Everything else the contract is made of, at once.
  const [studio, government, pool, mentor, countedPeople] = await Promise.all([
    getOrganisation(deps.db, bid.studioOrgId, true),
    input.shares.subsidy ? getOrganisation(deps.db, input.shares.subsidy.orgId, true) : undefined,
    getPool(deps.db, request.id, true),
    input.mentorPersonId ? getPerson(deps.db, input.mentorPersonId, true) : undefined,
    getStudioPeople(deps.db, request.cluster, bid.studioOrgId),
  ]);
  if (!studio || studio.status !== 'VERIFIED') {
    throw new ConflictError('STUDIO_NOT_VERIFIED', 'The studio of this bid is no longer verified.');
  }
  if (input.shares.subsidy && (!government || government.type !== 'GOVERNMENT' || government.status !== 'VERIFIED')) {
    throw ValidationError.field('shares.subsidy.orgId', 'The subsidy must come from a verified government organisation.', 'NOT_A_GOVERNMENT');
  }
  // The studio's college is a party only if it accepted the studio as its own (an affiliation named without consent binds nobody).
  // A pooled request: the pool as read is fixed on the contract (guarded below), every member a funder and signer.
  const contractPool = pool && pool.members.length > 0 ? contractPoolOf(pool) : undefined;
  const parties = { enterpriseOrgId: enterprise.org.id, studioOrgId: studio.id, collegeOrgId: affiliatedCollegeOf(studio), governmentOrgId: government?.id, ...(contractPool ? { pool: contractPool } : {}) };
  assertShareAgreement(input.shares, contractParties(parties));
  if (input.registration) assertRegistration(input.registration, bid.price);
  // The requesting side: the owner or, on a pooled request, any co-funder.
  const mentorOrgs = [enterprise.org.id, ...(contractPool?.members.map((member) => member.orgId) ?? [])];
  if (input.mentorPersonId && (!mentor || !mentorOrgs.includes(mentor.orgId) || mentor.kind !== 'ENGINEER')) {
    throw ValidationError.field('mentorPersonId', 'The mentor must be an engineer of your organisation’s roster or of a co-funder’s.', 'MENTOR_NOT_IN_ROSTER');
  }
  if (input.shares.ipOwnership === 'LICENSED_TO_COFUNDERS' && !contractPool) {
    throw ValidationError.field('shares.ipOwnership', 'Licensing to every co-funder needs a pooled request with co-funders.', 'NO_COFUNDERS');
  }

  const now = deps.clock().toISOString();
  const contract: Contract = {
    id: deps.ids('contract'),
    requestId: request.id,
    bidId: bid.id,
    title: request.title,
    cluster: request.cluster,
    team: bid.team,
    ...(mentor ? { enterpriseMentor: teamPersonOf(mentor) } : {}),
    ...parties,
    status: 'PENDING_SIGNATURES',
    price: bid.price,
    milestoneCount: bid.milestones.length,
    shares: input.shares,
    requiredSigners: [enterprise.org.id, studio.id, ...(government ? [government.id] : []), ...coFunders(parties)],
    signatures: [],
    reviewWindowDays: input.reviewWindowDays ?? DEFAULT_REVIEW_WINDOW_DAYS,
    ...(input.registration ? { registration: input.registration } : {}),
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const milestones: Milestone[] = bid.milestones.map((planned, index) => ({
    contractId: contract.id,
    n: index + 1,
    title: planned.title,
    amount: planned.amount,
    dueInDays: planned.dueInDays,
    status: 'PENDING',
    updatedAt: now,
    version: 1,
  }));
  const awardedRequest = { ...request, status: requestStatus, awardedAt: now, updatedAt: now, version: request.version + 1 };
  // Distinct people per studio and cluster: only names not counted before add to the statistics.
  const people = newPeople(bid.team, countedPeople);
  const acceptedBid = { ...bid, status: bidStatus, updatedAt: now, version: bid.version + 1 };
  const signatureNeeded: NotificationSpec[] = contract.requiredSigners.map((orgId) => ({
    to: toOrg(orgId),
    type: 'SIGNATURE_NEEDED',
    params: { title: contract.title, contractId: contract.id },
  }));

  await applyChange(deps, principal, {
    writes: [
      ...writesForRequestChange(deps.db, request, awardedRequest, alreadyAwarded),
      ...writesForBidChange(deps.db, acceptedBid, bidChangedMeanwhile),
      ...writesForNewContract(deps.db, contract, milestones),
      ...addStudioPeople(deps.db, request.cluster, studio.id, people),
      ...statsWrites(deps.db, peopleDeltas(request.cluster, contract.id, people)),
      putTask(deps.db, 'reject-losing-bids', request.id, now),
      pool ? poolUnchangedSince(deps.db, pool, poolChangedMeanwhile) : poolAbsent(deps.db, request.id, poolChangedMeanwhile),
      ...statsWrites(deps.db, poolAwardDeltas(request.cluster, request.id, contractPool, now)),
    ],
    transitions: [
      { entity: { type: 'request', id: request.id }, action: 'award', before: request.status, after: requestStatus, details: { bidId: bid.id, contractId: contract.id, ...(contractPool ? { pool: contractPool.members } : {}) } },
      { entity: { type: 'bid', id: bid.id }, action: 'accept', before: bid.status, after: bidStatus },
      { entity: { type: 'contract', id: contract.id }, action: 'create', after: contract.status, details: { requestId: request.id, bidId: bid.id }, creates: true },
    ],
    notify: [{ to: toOrg(studio.id), type: 'BID_ACCEPTED', params: { title: request.title } }, ...signatureNeeded],
  });
  await settleLiveBidsNow(deps, 'reject-losing-bids', request.id);
  return viewOfContract(contract, milestones);
}

/** The contract, if the caller's organisation is a party or an association (404 for anyone else). */
export async function getVisibleContract(deps: ServiceDeps, principal: Principal, contractId: string, consistent = false) {
  const contract = await getContract(deps.db, contractId, consistent);
  const orgId = principal.membership?.orgId;
  if (!contract || !((orgId && contractParties(contract).includes(orgId)) || isAssociation(principal))) {
    throw new NotFoundError('Contract', contractId);
  }
  return contract;
}

export async function readContract(deps: ServiceDeps, principal: Principal, contractId: string) {
  // The milestones are read alongside the contract; nothing of them is answered unless the contract is visible to the caller.
  const [contract, milestones] = await Promise.all([getVisibleContract(deps, principal, contractId), listMilestones(deps.db, contractId)]);
  return viewOfContract(withPersonalDataFor(principal.membership?.orgId, contractParties(contract), contract), milestones);
}

const SIGN_ATTEMPTS = 3;

/**
 * An owner of a signing party signs. When the last required signature lands
 * the contract becomes ACTIVE in the same write, and only then can money move.
 * Parties signing at the same moment both sign: the one whose write lost the
 * race reads the contract again and signs on top (its checks run again).
 */
export async function signContract(deps: ServiceDeps, principal: Principal, contractId: string) {
  return retryingConflicts(['CONCURRENT_UPDATE'], SIGN_ATTEMPTS, () => signOnce(deps, principal, contractId));
}

async function signOnce(deps: ServiceDeps, principal: Principal, contractId: string) {
  const contract = await getVisibleContract(deps, principal, contractId, true);
  const signer = requireVerified(principal);
  if (!contract.requiredSigners.includes(signer.org.id)) {
    throw new ForbiddenError('NOT_A_SIGNER', 'Your organisation does not sign this contract.');
  }
  if (signer.membership.role !== 'OWNER') throw new ForbiddenError('NOT_ORG_OWNER', 'Only an owner of your organisation can sign.');
  if (contract.status !== 'PENDING_SIGNATURES') {
    throw new ConflictError('NOT_AWAITING_SIGNATURES', `The contract is ${contract.status}; it no longer takes signatures.`);
  }
  if (contract.signatures.some((signature) => signature.orgId === signer.org.id)) {
    throw new ConflictError('ALREADY_SIGNED', 'Your organisation has already signed this contract.');
  }
  const now = deps.clock().toISOString();
  const signatures = [...contract.signatures, { orgId: signer.org.id, sub: principal.sub, at: now }];
  const complete = contract.requiredSigners.every((orgId) => signatures.some((signature) => signature.orgId === orgId));
  const status = complete ? contractLifecycle.next(contract.status, 'activate') : contract.status;
  // The college's overhead rate in force at the last signature is recorded on the contract (guarded: still in force at commit).
  // Activation fixes each milestone's absolute due date (Asia/Shanghai) and puts its reminder and overdue timers.
  const [rate, milestones] = await Promise.all([
    complete && contract.collegeOrgId ? getOverheadRate(deps.db, contract.collegeOrgId, true) : undefined,
    listMilestones(deps.db, contract.id, true),
  ]);
  const overhead = rate ? { collegeOrgId: rate.collegeOrgId, bps: rate.bps, version: rate.version } : undefined;
  const next: Contract = { ...contract, signatures, status, updatedAt: now, ...(complete ? { activatedAt: now } : {}), ...(overhead ? { overhead } : {}), version: contract.version + 1 };
  const others = contractParties(contract).filter((orgId) => orgId !== signer.org.id);
  const dated = complete ? withDueDates(milestones, now) : milestones;
  const milestoneChanged = () => new ConflictError('CONCURRENT_UPDATE', 'A milestone of this contract changed meanwhile; try again.');
  await applyChange(deps, principal, {
    writes: [
      ...writesForContractChange(deps.db, contract, next, () => new ConflictError('CONCURRENT_UPDATE', 'The contract was signed by another party at the same moment; try again.')),
      ...(complete ? dated.flatMap((milestone) => [putMilestoneVersion(deps.db, milestone, milestoneChanged), ...dueTimerWrites(deps.db, milestone)]) : []),
      // 技术合同认定登记: the activated contract enters its cluster's and its college's registration lists.
      ...(complete ? putRegistrationEntry(deps.db, next) : []),
      ...(rate ? [unchangedSince(deps.db, keys.overheadRate(rate.collegeOrgId), rate.version, () => new ConflictError('CONCURRENT_UPDATE', 'The college changed its overhead rate at the same moment; sign again.'))] : []),
    ],
    transitions: [
      { entity: { type: 'contract', id: contract.id }, action: 'sign', before: contract.status, after: status, details: { orgId: signer.org.id } },
      ...(complete ? [{ entity: { type: 'contract' as const, id: contract.id }, action: 'activate', before: contract.status, after: status }] : []),
    ],
    notify: complete
      ? contractParties(contract).map((orgId) => ({ to: toOrg(orgId), type: 'CONTRACT_ACTIVE', params: { title: contract.title } }))
      : others.map((orgId) => ({ to: toOrg(orgId), type: 'CONTRACT_SIGNED', params: { title: contract.title, signer: signer.org.name } })),
  });
  return viewOfContract(next, dated);
}

/** Engineers read per organisation when offering mentors: far above an enterprise's engineers, still a bounded read. */
const MENTOR_CANDIDATES_PER_ORG = 100;

/**
 * Whom the requesting enterprise may name as the enterprise mentor (企业导师)
 * at award: the engineers of its roster and, on a pooled request, of every
 * co-funder's (one bounded Query each, at most MAX_POOL_MEMBERS).
 */
export async function mentorCandidates(deps: ServiceDeps, principal: Principal, request: Pick<TechnicalRequest, 'id' | 'ownerOrgId'>) {
  const acting = requireMember(principal);
  if (request.ownerOrgId !== acting.org.id) return [];
  const pool = await getPool(deps.db, request.id);
  const orgIds = [acting.org.id, ...(pool?.members.map((member) => member.orgId) ?? [])];
  const pages = await Promise.all(orgIds.map((orgId) => listPeopleOfOrg(deps.db, orgId, 'ENGINEER', { limit: MENTOR_CANDIDATES_PER_ORG })));
  return pages.flatMap((page) => page.items).map(({ id, orgId, name, title }) => ({ id, orgId, name, ...(title ? { title } : {}) }));
}
