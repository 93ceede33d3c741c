import { createHash } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import type { Caller, TestApi } from './harness.js';
import { association, openRequest, organisation, requestBody, uniqueSub, joinByInvitation } from './fixtures.js';
import { bidBody, evenShares, placeBid } from './bids.js';
import { fen, key, milestonePath } from './money.js';

/**
 * One small consortium with every kind of object and every kind of identity,
 * for the authorisation matrix: who is who, what exists, and who may see it.
 */

export type ObjectKind = 'org' | 'request' | 'bid' | 'contract' | 'dispute' | 'question' | 'review' | 'invitation' | 'appointment' | 'resource' | 'booking' | 'attachment' | 'programme' | 'application';

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
  /** A booking's resource, and the organisation owning it. */
  resourceId?: string;
  ownerOrgId?: string;
  /** A proposed appointment: the organisation whose confirmation it awaits. */
  awaitingOrgId?: string;
  /** Organisations that see it without being parties (a city-wide government body sees the cluster's appointments). */
  viewers?: string[];
}

export interface Identity {
  name: string;
  caller: Caller;
  orgId?: string;
  orgType?: string;
  verified: boolean;
  role?: 'OWNER' | 'MEMBER';
  /** A studio's team of its roster people (what its bids name). */
  team?: { personIds: string[] };
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
  // Of another college: the college a studio names sees it whatever its status, and the matrix's college is a party of nothing suspended.
  const suspended = await organisation(api, moderator, { type: 'STUDIO', collegeId: otherCollege.orgId });
  expect((await moderator.post(`/v1/orgs/${suspended.orgId}/verification`, { decision: 'SUSPEND', reason: 'matrix: complaint under review' })).status).toBe(200);
  const outsider = await api.as(uniqueSub('outsider'));
  const member = await api.as(uniqueSub('member'));
  expect((await joinByInvitation(api, enterprise.caller, enterprise.orgId, member.sub)).status).toBe(201);
  // An open member invitation of the enterprise (its code is never used).
  const memberInvitation = await enterprise.caller.post(`/v1/orgs/${enterprise.orgId}/member-invitations`, { role: 'MEMBER', displayName: '矩阵受邀成员' });
  expect(memberInvitation.status, JSON.stringify(memberInvitation.body)).toBe(201);

  // Requests: a draft, an open one with a live bid, and one awarded into a subsidised contract.
  const draft = await enterprise.caller.post('/v1/requests', requestBody(api, { title: '矩阵草稿需求' }));
  expect(draft.status).toBe(201);
  const openId = await openRequest(api, enterprise.caller, moderator);
  const liveBidId = await placeBid(studio, openId);
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
    ...bidBody(studio.team),
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
  const otherBid = await placeBid(otherStudio, otherOpen);
  const otherAward = await otherEnterprise.caller.post(`/v1/requests/${otherOpen}/award`, { bidId: otherBid, shares: evenShares(otherEnterprise.orgId, otherStudio.orgId) });
  expect(otherAward.status, JSON.stringify(otherAward.body)).toBe(201);
  const otherContractId = otherAward.body.id as string;

  // A terminated contract both sides reviewed: the enterprise's review of the studio is published (public).
  const finishedOpen = await openRequest(api, enterprise.caller, moderator, { title: '矩阵已终止合同' });
  const finishedBid = await placeBid(studio, finishedOpen);
  const finishedAward = await enterprise.caller.post(`/v1/requests/${finishedOpen}/award`, { bidId: finishedBid, shares: evenShares(enterprise.orgId, studio.orgId) });
  expect(finishedAward.status, JSON.stringify(finishedAward.body)).toBe(201);
  const finishedId = finishedAward.body.id as string;
  for (const signer of [enterprise.caller, studio.caller]) expect((await signer.post(`/v1/contracts/${finishedId}/sign`)).status).toBe(200);
  expect((await moderator.post(`/v1/contracts/${finishedId}/terminate`, { reason: '矩阵：双方同意终止' }, key())).status).toBe(200);
  const ratings = { quality: 5, timeliness: 4, communication: 5 };
  const review = await enterprise.caller.post(`/v1/contracts/${finishedId}/reviews`, { ratings, comment: '矩阵：交付质量高。' });
  expect(review.status, JSON.stringify(review.body)).toBe(201);
  expect((await studio.caller.post(`/v1/contracts/${finishedId}/reviews`, { ratings, comment: '矩阵：企业配合积极。' })).status).toBe(201);
  // The rival studio is invited to bid on the open request.
  const invitation = await enterprise.caller.post(`/v1/requests/${openId}/invitations`, { studioOrgId: rival.orgId });
  expect(invitation.status, JSON.stringify(invitation.body)).toBe(201);
  // Talent mutual employment and shared resources (issue 14): a proposed appointment of the enterprise's engineer
  // at the college, the college's lab, and the enterprise's pending booking of it two days ahead.
  const appointment = await enterprise.caller.post('/v1/appointments', {
    kind: 'INDUSTRY_TEACHER', counterpartOrgId: college.orgId, cluster: 'smart-manufacturing', person: { name: '赵工' },
    subject: '工业机器视觉课程', startDate: '2030-03-01', endDate: '2030-07-01', hoursPerMonth: 16,
  });
  expect(appointment.status, JSON.stringify(appointment.body)).toBe(201);
  const lab = await college.caller.post('/v1/resources', {
    type: 'LAB', name: '矩阵实训室', description: '矩阵测试用的实训室。', cluster: 'smart-manufacturing', capabilities: ['机器视觉'],
    location: '实训楼 B201', rules: '须经安全培训。', price: { unit: 'FREE' },
  });
  expect(lab.status, JSON.stringify(lab.body)).toBe(201);
  const bookingStart = Math.ceil(api.clock().getTime() / 3_600_000) * 3_600_000 + 48 * 3_600_000;
  const booking = await enterprise.caller.post(`/v1/resources/${lab.body.id}/bookings`, {
    start: new Date(bookingStart).toISOString(), end: new Date(bookingStart + 2 * 3_600_000).toISOString(), purpose: '矩阵预约',
  });
  expect(booking.status, JSON.stringify(booking.body)).toBe(201);

  // Subsidy programmes (issue 13): the government's open programme and the other enterprise's application on its contract.
  const today = new Date(api.clock().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const programme = await government.caller.post('/v1/programmes', {
    name: '矩阵资助计划', budget: { amount: 1_000_000, currency: 'CNY' }, maxBps: 3_000, clusters: ['smart-manufacturing', 'new-energy-vehicles'],
    opensOn: today, closesOn: '2099-12-31',
  });
  expect(programme.status, JSON.stringify(programme.body)).toBe(201);
  const application = await otherEnterprise.caller.post(`/v1/programmes/${programme.body.id}/applications`, { contractId: otherContractId, bps: 1_000 });
  expect(application.status, JSON.stringify(application.body)).toBe(201);

  // A studio's college is a party to its contracts.
  const K = [enterprise.orgId, studio.orgId, college.orgId, government.orgId];
  const K2 = [otherEnterprise.orgId, otherStudio.orgId, otherCollege.orgId];
  const objects: WorldObject[] = [
    { name: 'enterprise', kind: 'org', id: enterprise.orgId, parties: [enterprise.orgId], public: true, state: 'VERIFIED' },
    { name: 'college', kind: 'org', id: college.orgId, parties: [college.orgId], public: true, state: 'VERIFIED' },
    { name: 'pendingOrg', kind: 'org', id: pending.orgId, parties: [pending.orgId], public: false, state: 'PENDING' },
    { name: 'suspendedOrg', kind: 'org', id: suspended.orgId, parties: [suspended.orgId], public: false, state: 'SUSPENDED' },
    { name: 'college', kind: 'org', id: college.orgId, parties: [college.orgId], public: true, state: 'VERIFIED' },
    { name: 'draft', kind: 'request', id: draft.body.id, parties: [enterprise.orgId], public: false, state: 'DRAFT' },
    { name: 'open', kind: 'request', id: openId, parties: [enterprise.orgId], public: true, state: 'OPEN' },
    { name: 'awarded', kind: 'request', id: awardedId, parties: [enterprise.orgId], public: true, state: 'AWARDED' },
    { name: 'question', kind: 'question', id: question.body.id, parties: [enterprise.orgId, rival.orgId], public: false, state: 'OPEN' },
    // A studio's college reads its bids (read only).
    { name: 'liveBid', kind: 'bid', id: liveBidId, parties: [studio.orgId, enterprise.orgId, college.orgId], public: false, state: 'SUBMITTED', studioOrgId: studio.orgId },
    { name: 'wonBid', kind: 'bid', id: wonBid.body.id, parties: [studio.orgId, enterprise.orgId, college.orgId], public: false, state: 'AWARDED', studioOrgId: studio.orgId, namedBy: ['contract', 'dispute'] },
    { name: 'proposal', kind: 'attachment', id: declared.body.attachment.id, parties: [studio.orgId, enterprise.orgId, college.orgId], public: false, state: 'READY', studioOrgId: studio.orgId },
    { name: 'contract', kind: 'contract', id: contractId, parties: K, public: false, state: 'ACTIVE' },
    { name: 'otherContract', kind: 'contract', id: otherContractId, parties: K2, public: false, state: 'PENDING_SIGNATURES', namedBy: ['application'] },
    { name: 'programme', kind: 'programme', id: programme.body.id, parties: [government.orgId], public: true, state: 'OPEN' },
    { name: 'application', kind: 'application', id: application.body.id, parties: [otherEnterprise.orgId, government.orgId], public: false, state: 'PENDING' },
    { name: 'dispute', kind: 'dispute', id: disputed.body.disputeId, parties: K, public: false, state: 'OPEN' },
    { name: 'review', kind: 'review', id: review.body.id, parties: [enterprise.orgId, studio.orgId], public: true, state: 'PUBLISHED' },
    { name: 'invitation', kind: 'invitation', id: invitation.body.id, parties: [enterprise.orgId, rival.orgId], public: false, state: 'PENDING' },
    { name: 'appointment', kind: 'appointment', id: appointment.body.id, parties: [enterprise.orgId, college.orgId], public: false, state: 'PROPOSED', awaitingOrgId: college.orgId, viewers: [government.orgId] },
    { name: 'lab', kind: 'resource', id: lab.body.id, parties: [college.orgId], public: true, state: 'ACTIVE', ownerOrgId: college.orgId },
    {
      name: 'booking', kind: 'booking', id: booking.body.id, parties: [enterprise.orgId, college.orgId], public: false, state: 'PENDING',
      resourceId: lab.body.id, ownerOrgId: college.orgId,
    },
  ];

  const identity = (name: IdentityName, caller: Caller, org?: { orgId: string; team?: { personIds: string[] } }, orgType?: string, verified = true, role: 'OWNER' | 'MEMBER' = 'OWNER'): Identity => ({
    name, caller, orgId: org?.orgId, orgType, verified: Boolean(org) && verified, role: org ? role : undefined, ...(org?.team ? { team: org.team } : {}),
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
  return { objects, identities, orgs: { enterprise, studio, government, pending, suspended }, memberInvitationId: memberInvitation.body.id as string };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;

/** Whether `who` may see `object` at all; anything else must be a 404, like an id that does not exist. */
export function sees(who: Identity, object: WorldObject): boolean {
  if (who.orgType === 'ASSOCIATION') return true;
  return object.public || (who.orgId !== undefined && (object.parties.includes(who.orgId) || (object.viewers ?? []).includes(who.orgId)));
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
