import { createHash } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import type { Caller, TestApi } from './harness.js';
import { association, openRequest, organisation, requestBody, uniqueSub } from './fixtures.js';
import { bidBody, evenShares, placeBid } from './bids.js';
import { fen, key, milestonePath } from './money.js';

/**
 * One small consortium with every kind of object and every kind of identity,
 * for the authorisation matrix: who is who, what exists, and who may see it.
 */

export type ObjectKind = 'org' | 'request' | 'bid' | 'contract' | 'dispute' | 'question' | 'attachment';

export interface WorldObject {
  name: string;
  kind: ObjectKind;
  id: string;
  /** The organisations that are its parties (owner, studio, contract parties; the organisation itself). */
  parties: string[];
  /** Public to every signed-in caller (verified organisations, OPEN/AWARDED/CLOSED requests). */
  public: boolean;
  /** What a state-dependent rule needs to know. */
  state: string;
  /** The studio of a bid. */
  studioOrgId?: string;
  /** Objects whose view names this one's id (a contract names the bid it came from): who sees them may see the id, not the object. */
  namedBy?: string[];
}

export interface Identity {
  name: string;
  caller: Caller;
  orgId?: string;
  orgType?: string;
  verified: boolean;
  role?: 'OWNER' | 'MEMBER';
}

export const IDENTITY_NAMES = [
  'owner', 'member', 'studio', 'rival', 'college', 'government', 'association', 'otherEnterprise', 'otherStudio', 'pending', 'suspended', 'outsider',
] as const;
export type IdentityName = (typeof IDENTITY_NAMES)[number];

export async function buildWorld(api: TestApi) {
  const moderator = await association(api);
  const enterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'smart-manufacturing' });
  const college = await organisation(api, moderator, { type: 'COLLEGE' });
  const studio = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId, capabilities: ['机器视觉'] });
  const rival = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId, capabilities: ['机器视觉'] });
  const government = await organisation(api, moderator, { type: 'GOVERNMENT' });
  // Parties of another cluster's contract, with a college of their own.
  const otherCollege = await organisation(api, moderator, { type: 'COLLEGE' });
  const otherEnterprise = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: 'new-energy-vehicles' });
  const otherStudio = await organisation(api, moderator, { type: 'STUDIO', collegeId: otherCollege.orgId, capabilities: ['电池管理'] });
  const pending = await organisation(api, moderator, { type: 'ENTERPRISE' }, false);
  const suspended = await organisation(api, moderator, { type: 'STUDIO', collegeId: college.orgId });
  expect((await moderator.post(`/v1/orgs/${suspended.orgId}/verification`, { decision: 'SUSPEND', reason: 'matrix: complaint under review' })).status).toBe(200);
  const outsider = await api.as(uniqueSub('outsider'));
  const member = await api.as(uniqueSub('member'));
  expect((await enterprise.caller.post(`/v1/orgs/${enterprise.orgId}/members`, { sub: member.sub, role: 'MEMBER' })).status).toBe(201);

  // Requests: a draft, an open one with a live bid, and one awarded into a subsidised contract.
  const draft = await enterprise.caller.post('/v1/requests', requestBody(api, { title: '矩阵草稿需求' }));
  expect(draft.status).toBe(201);
  const openId = await openRequest(api, enterprise.caller, moderator);
  const liveBidId = await placeBid(studio.caller, openId);
  // The studio's proposal attached to its live bid: sealed like the bid.
  const proposal = Buffer.from('%PDF-1.7 matrix proposal');
  const declared = await studio.caller.post('/v1/attachments', {
    parent: `BID:${liveBidId}`, name: '技术方案.pdf', contentType: 'application/pdf', size: proposal.length, sha256: createHash('sha256').update(proposal).digest('hex'),
  });
  expect(declared.status, JSON.stringify(declared.body)).toBe(201);
  expect((await fetch(declared.body.upload.url, { method: 'PUT', headers: declared.body.upload.headers, body: proposal })).status).toBe(200);
  expect((await studio.caller.post(`/v1/attachments/${declared.body.attachment.id}/complete`)).status).toBe(200);
  // A question of the rival studio, not answered yet: for the owner, the asker and associations.
  const question = await rival.caller.post(`/v1/requests/${openId}/questions`, { text: '节拍 3 秒是否包含上下料时间？' });
  expect(question.status, JSON.stringify(question.body)).toBe(201);
  const awardedId = await openRequest(api, enterprise.caller, moderator);
  const wonBid = await studio.caller.post(`/v1/requests/${awardedId}/bids`, {
    ...bidBody(),
    price: fen(3_000_000),
    milestones: [1, 2, 3].map((n) => ({ title: `里程碑 ${n}`, amount: fen(1_000_000), dueInDays: 10 * n })),
  });
  expect(wonBid.status).toBe(201);
  const award = await enterprise.caller.post(`/v1/requests/${awardedId}/award`, {
    bidId: wonBid.body.id,
    shares: { ...evenShares(enterprise.orgId, studio.orgId), subsidy: { orgId: government.orgId, bps: 3000 } },
  });
  expect(award.status, JSON.stringify(award.body)).toBe(201);
  const contractId = award.body.id as string;
  for (const signer of [enterprise.caller, studio.caller, government.caller]) expect((await signer.post(`/v1/contracts/${contractId}/sign`)).status).toBe(200);
  // Milestone 1 funded; milestone 2 funded, delivered and disputed.
  for (const n of [1, 2]) expect((await enterprise.caller.post(milestonePath(contractId, n, 'fund'), {}, key())).status).toBe(200);
  expect((await studio.caller.post(milestonePath(contractId, 2, 'submit'), { note: '交付物' })).status).toBe(200);
  const disputed = await enterprise.caller.post(milestonePath(contractId, 2, 'dispute'), { reason: '交付不完整' });
  expect(disputed.status, JSON.stringify(disputed.body)).toBe(200);

  // The other cluster's contract.
  const otherOpen = await openRequest(api, otherEnterprise.caller, moderator, { cluster: 'new-energy-vehicles', tags: ['电池管理'] });
  const otherBid = await placeBid(otherStudio.caller, otherOpen);
  const otherAward = await otherEnterprise.caller.post(`/v1/requests/${otherOpen}/award`, { bidId: otherBid, shares: evenShares(otherEnterprise.orgId, otherStudio.orgId) });
  expect(otherAward.status, JSON.stringify(otherAward.body)).toBe(201);
  const otherContractId = otherAward.body.id as string;

  // A studio's college is a party to its contracts.
  const K = [enterprise.orgId, studio.orgId, college.orgId, government.orgId];
  const K2 = [otherEnterprise.orgId, otherStudio.orgId, otherCollege.orgId];
  const objects: WorldObject[] = [
    { name: 'enterprise', kind: 'org', id: enterprise.orgId, parties: [enterprise.orgId], public: true, state: 'VERIFIED' },
    { name: 'pendingOrg', kind: 'org', id: pending.orgId, parties: [pending.orgId], public: false, state: 'PENDING' },
    { name: 'suspendedOrg', kind: 'org', id: suspended.orgId, parties: [suspended.orgId], public: false, state: 'SUSPENDED' },
    { name: 'draft', kind: 'request', id: draft.body.id, parties: [enterprise.orgId], public: false, state: 'DRAFT' },
    { name: 'open', kind: 'request', id: openId, parties: [enterprise.orgId], public: true, state: 'OPEN' },
    { name: 'awarded', kind: 'request', id: awardedId, parties: [enterprise.orgId], public: true, state: 'AWARDED' },
    { name: 'question', kind: 'question', id: question.body.id, parties: [enterprise.orgId, rival.orgId], public: false, state: 'OPEN' },
    { name: 'liveBid', kind: 'bid', id: liveBidId, parties: [studio.orgId, enterprise.orgId], public: false, state: 'SUBMITTED', studioOrgId: studio.orgId },
    { name: 'proposal', kind: 'attachment', id: declared.body.attachment.id, parties: [studio.orgId, enterprise.orgId], public: false, state: 'READY', studioOrgId: studio.orgId },
    { name: 'wonBid', kind: 'bid', id: wonBid.body.id, parties: [studio.orgId, enterprise.orgId], public: false, state: 'AWARDED', studioOrgId: studio.orgId, namedBy: ['contract', 'dispute'] },
    { name: 'contract', kind: 'contract', id: contractId, parties: K, public: false, state: 'ACTIVE' },
    { name: 'otherContract', kind: 'contract', id: otherContractId, parties: K2, public: false, state: 'PENDING_SIGNATURES' },
    { name: 'dispute', kind: 'dispute', id: disputed.body.disputeId, parties: K, public: false, state: 'OPEN' },
  ];

  const identity = (name: IdentityName, caller: Caller, org?: { orgId: string }, orgType?: string, verified = true, role: 'OWNER' | 'MEMBER' = 'OWNER'): Identity => ({
    name, caller, orgId: org?.orgId, orgType, verified: Boolean(org) && verified, role: org ? role : undefined,
  });
  const identities: Record<IdentityName, Identity> = {
    owner: identity('owner', enterprise.caller, enterprise, 'ENTERPRISE'),
    member: identity('member', member, enterprise, 'ENTERPRISE', true, 'MEMBER'),
    studio: identity('studio', studio.caller, studio, 'STUDIO'),
    rival: identity('rival', rival.caller, rival, 'STUDIO'),
    college: identity('college', college.caller, college, 'COLLEGE'),
    government: identity('government', government.caller, government, 'GOVERNMENT'),
    association: identity('association', moderator, { orgId: (await moderator.get('/v1/me')).body.organisation.id }, 'ASSOCIATION'),
    otherEnterprise: identity('otherEnterprise', otherEnterprise.caller, otherEnterprise, 'ENTERPRISE'),
    otherStudio: identity('otherStudio', otherStudio.caller, otherStudio, 'STUDIO'),
    pending: identity('pending', pending.caller, pending, 'ENTERPRISE', false),
    suspended: identity('suspended', suspended.caller, suspended, 'STUDIO', false),
    outsider: identity('outsider', outsider),
  };
  return { objects, identities, orgs: { enterprise, studio, government, pending, suspended } };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;

/** Whether `who` may see `object` at all; anything else must be a 404, like an id that does not exist. */
export function sees(who: Identity, object: WorldObject): boolean {
  if (who.orgType === 'ASSOCIATION') return true;
  return object.public || (who.orgId !== undefined && object.parties.includes(who.orgId));
}

/** Ids `who` must never be shown: objects hidden from it, unless an object it sees names them. */
export function hiddenIds(who: Identity, objects: WorldObject[]): string[] {
  return objects
    .filter((o) => !sees(who, o) && !(o.namedBy ?? []).some((name) => objects.some((other) => other.name === name && sees(who, other))))
    .map((o) => o.id);
}

/** Every item of the table, sorted, to compare before and after. */
export async function snapshot(api: TestApi): Promise<string[]> {
  const items: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await api.deps.db.doc.send(new ScanCommand({ TableName: api.tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    for (const item of page.Items ?? []) items.push(canonical(item));
    start = page.LastEvaluatedKey;
  } while (start);
  return items.sort();
}

/** JSON with object keys sorted at every level, so equal items print equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Set) return `set(${[...value].map(canonical).sort().join(',')})`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
