import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '@sharedtech/app';
import { startTestApi } from '../support/harness.js';
import { requestBody } from '../support/fixtures.js';
import { bidBody, evenShares } from '../support/bids.js';
import { fen } from '../support/money.js';
import { fillPath, ghostId, loadDocument, operationsOf, statusLedger, type Operation } from '../support/openapi.js';
import { IDENTITY_NAMES, buildWorld, hiddenIds as hiddenIdsOf, sees, snapshot, type Identity, type ObjectKind, type WorldObject } from '../support/world.js';

/**
 * The authorisation matrix (issue 16): every operation of /openapi.json and
 * every page route × twelve identities × the objects of one world. Writes an
 * identity may not do are refused (4xx); an object an identity may not see is a
 * 404 — the same answer as an id that does not exist — on reads, writes, pages
 * and form posts; no response shows the id of an object hidden from its caller;
 * and the table is exactly as it was afterwards. Operations and pages come from
 * the app itself, so a route added later is in the matrix at once: the test
 * fails until it has a rule below (and a body, if it reads one).
 */
const api = await startTestApi();
const world = await buildWorld(api);
const app = createApp(api.deps);
const doc = await loadDocument(api);
const operations = operationsOf(doc);
const statuses = statusLedger();
const identities = IDENTITY_NAMES.map((name) => world.identities[name]);
const object = (name: string) => world.objects.find((o) => o.name === name)!;

// ── Who may do what ────────────────────────────────────────────────────────
// `may(who, target)`: for reads, the caller gets 2xx; for writes, the call
// could succeed (those calls are not made, so the world stays as it is). Every
// other call must be refused, and a 404 when the target is hidden from `who`.

interface Ctx {
  who: Identity;
  /** The object the path (or `entity`/`requestId` query) names, if any. */
  target?: WorldObject;
  n?: number;
}
type Rule = (ctx: Ctx) => boolean;

const anyone: Rule = () => true;
const member: Rule = ({ who }) => who.orgId !== undefined;
const association: Rule = ({ who }) => who.orgType === 'ASSOCIATION';
const visible: Rule = ({ who, target }) => target !== undefined && sees(who, target);
const party: Rule = ({ who, target }) => who.orgId !== undefined && target !== undefined && target.parties.includes(who.orgId);
const partyOrAssociation: Rule = (ctx) => association(ctx) || party(ctx);
const verified = (type: string): Rule => ({ who }) => who.orgType === type && who.verified;
const ownerOfOrg: Rule = ({ who, target }) => who.role === 'OWNER' && who.orgId === target?.id;
const requestOwnerIn = (...states: string[]): Rule => (ctx) => party(ctx) && verified('ENTERPRISE')(ctx) && states.includes(ctx.target!.state);
const never: Rule = () => false;

const READS: Record<string, Rule> = {
  'GET /health': anyone,
  'GET /v1/me': anyone,
  'GET /v1/me/export': anyone,
  'GET /v1/orgs': anyone,
  'GET /v1/orgs/{orgId}': visible,
  'GET /v1/orgs/{orgId}/members': partyOrAssociation,
  'GET /v1/requests': anyone,
  'GET /v1/requests/{id}': visible,
  'GET /v1/requests/{id}/bids': visible,
  'GET /v1/requests/{id}/questions': visible,
  'GET /v1/bids': verified('STUDIO'),
  'GET /v1/bids/{id}': visible,
  'GET /v1/contracts': member,
  'GET /v1/contracts/{id}': visible,
  'GET /v1/contracts/{id}/ledger': visible,
  // The thread is the parties'; associations read it while a dispute on the contract is open (the world's 'contract' has one).
  'GET /v1/contracts/{id}/messages': (ctx) => party(ctx) || (association(ctx) && ctx.target?.name === 'contract'),
  'GET /v1/contracts/{id}/benefits': visible,
  'GET /v1/contracts/{id}/risks': visible,
  'GET /v1/disputes': association,
  'GET /v1/disputes/{id}': visible,
  'GET /v1/accounts/me': member,
  'GET /v1/accounts/{orgId}': partyOrAssociation,
  'GET /v1/stats': association,
  'GET /v1/matches': verified('STUDIO'),
  'GET /v1/audit': (ctx) => visible(ctx) && partyOrAssociation(ctx),
  'GET /v1/notifications': member,
  // A college's studios: its own members and associations.
  'GET /v1/orgs/{orgId}/studios': (ctx) => ctx.target?.name === 'college' && (association(ctx) || party(ctx)),
  'GET /v1/orgs/{orgId}/member-invitations': ownerOfOrg,
  // Each role's view: a college's studios' bids and contracts (its members, associations); a government's co-funding statistics.
  'GET /v1/colleges/{id}/bids': (ctx) => ctx.target?.name === 'college' && partyOrAssociation(ctx),
  'GET /v1/colleges/{id}/contracts': (ctx) => ctx.target?.name === 'college' && partyOrAssociation(ctx),
  'GET /v1/stats/funded': verified('GOVERNMENT'),
  'GET /v1/contracts/{id}/changes': visible,
  'GET /v1/contracts/{id}/reviews': visible,
  'GET /v1/orgs/{orgId}/reviews': visible,
  'GET /v1/requests/{id}/invitations': (ctx) => visible(ctx) && partyOrAssociation(ctx),
  'GET /v1/invitations': verified('STUDIO'),
  // Talent mutual employment and shared resources (issue 14).
  'GET /v1/appointments': ({ who }) => ['ENTERPRISE', 'COLLEGE', 'STUDIO'].includes(who.orgType ?? ''),
  'GET /v1/appointments/stats': member,
  'GET /v1/appointments/{id}': visible,
  'GET /v1/resources': anyone,
  'GET /v1/resources/stats': member,
  'GET /v1/resources/{id}': visible,
  'GET /v1/resources/{id}/bookings': visible,
  'GET /v1/resources/{id}/bookings/{bookingId}': visible,
  // Attachments follow their parent: the world's proposal is on the live bid (its studio, the request owner, associations).
  'GET /v1/attachments': ({ who }) => sees(who, object('liveBid')),
  'GET /v1/attachments/{id}': visible,
  // The council's dashboard: associations and the world's city-wide government body; its college has no cluster (no studio names one).
  'GET /v1/council/dashboard': ({ who }) => who.verified && (who.orgType === 'ASSOCIATION' || who.orgType === 'GOVERNMENT'),
  'GET /v1/council/dashboard.csv': ({ who }) => who.verified && (who.orgType === 'ASSOCIATION' || who.orgType === 'GOVERNMENT'),
  // Technology contract registration and yearly statements (issue 13). The world's association names no cluster of its
  // own, so its list without ?cluster= is a 400 CLUSTER_REQUIRED (registrations.test.ts covers associations with one).
  'GET /v1/contracts/{id}/registration': visible,
  'GET /v1/registrations': verified('COLLEGE'),
  'GET /v1/registrations.csv': verified('COLLEGE'),
  'GET /v1/contracts/{id}/statements/summary': visible,
  // Without ?orgId= the statement is the caller's own: parties only (associations name the party, a 400 here).
  'GET /v1/contracts/{id}/statements/distribution': party,
  'GET /v1/contracts/{id}/statements/distribution.csv': party,
  // People and education outcomes (issue 14): a roster is its members' and, across an accepted affiliation, its college's or studios'.
  'GET /v1/orgs/{id}/people': ({ who, target }) => who.orgId !== undefined && (who.orgId === target?.id || (target?.name === 'college' && ['studio', 'rival'].includes(who.name))),
  // The matrix's person and record ids name nothing (the world has no people): a 404 for everyone.
  'GET /v1/orgs/{id}/people/{personId}': never,
  'GET /v1/students/{personId}/records': never,
  'GET /v1/student-records/{id}': never,
  // Participation is the contract's parties' (associations moderate money, not students).
  'GET /v1/contracts/{id}/milestones/{n}/participation': party,
  'GET /v1/colleges/{id}/student-records': (ctx) => ctx.target?.name === 'college' && ctx.who.orgId === ctx.target.id,
  'GET /v1/colleges/{id}/education-stats': (ctx) => ctx.target?.name === 'college' && ctx.who.orgId === ctx.target.id,
  // Pooled requests (issue 13): whoever sees the request sees the pool's totals (members for the owner, members, associations).
  'GET /v1/requests/{id}/pool': visible,
  // Subsidy programmes and college overhead (issue 13): programmes are public; applications list what each may see.
  'GET /v1/programmes': anyone,
  'GET /v1/programmes/{id}': anyone,
  'GET /v1/programmes/{id}/applications': anyone,
  'GET /v1/orgs/{orgId}/overhead': (ctx) => ctx.target?.name === 'college' && visible(ctx),
};

const WRITES: Record<string, Rule> = {
  'POST /dev/token': anyone,
  'POST /v1/orgs': ({ who }) => who.orgId === undefined,
  'POST /v1/orgs/{orgId}/verification': association,
  'PATCH /v1/orgs/{orgId}/members/{sub}': ownerOfOrg,
  'DELETE /v1/orgs/{orgId}/members/{sub}': ownerOfOrg,
  'POST /v1/orgs/{orgId}/members/leave': ({ who, target }) => who.orgId === target?.id && who.role === 'MEMBER',
  'POST /v1/requests': verified('ENTERPRISE'),
  'PATCH /v1/requests/{id}': requestOwnerIn('DRAFT'),
  'POST /v1/requests/{id}/submit': requestOwnerIn('DRAFT'),
  'POST /v1/requests/{id}/review': (ctx) => association(ctx) && ctx.target?.state === 'SUBMITTED',
  'POST /v1/requests/{id}/cancel': requestOwnerIn('DRAFT', 'OPEN'),
  'POST /v1/requests/{id}/close': requestOwnerIn('OPEN'),
  'POST /v1/requests/{id}/suspend': (ctx) => association(ctx) && ctx.target?.state === 'OPEN',
  // The studio that already has a live bid on it gets a 409; any other verified studio may bid.
  'POST /v1/requests/{id}/bids': (ctx) => verified('STUDIO')(ctx) && ctx.target?.state === 'OPEN' && ctx.who.name !== 'studio',
  'POST /v1/requests/{id}/award': requestOwnerIn('OPEN'),
  'POST /v1/requests/{id}/questions': (ctx) => verified('STUDIO')(ctx) && ctx.target?.state === 'OPEN',
  'POST /v1/questions/{id}/answer': (ctx) => ctx.target?.state === 'OPEN' && requestOwnerIn('OPEN')({ ...ctx, target: object('open') }),
  'PATCH /v1/bids/{id}': ({ who, target }) => target?.state === 'SUBMITTED' && who.orgId === target.studioOrgId && who.verified,
  'POST /v1/bids/{id}/withdraw': ({ who, target }) => target?.state === 'SUBMITTED' && who.orgId === target.studioOrgId && who.verified,
  // Signers of a contract still waiting for signatures.
  'POST /v1/contracts/{id}/sign': (ctx) => party(ctx) && ctx.target?.state === 'PENDING_SIGNATURES' && ctx.who.role === 'OWNER',
  'POST /v1/contracts/{id}/terminate': (ctx) => association(ctx) && ctx.target?.state === 'ACTIVE',
  // Milestone steps and statements: some party can do each; the matrix leaves the parties' own roles to the money suites.
  'POST /v1/contracts/{id}/milestones/{n}/fund': party,
  'POST /v1/contracts/{id}/milestones/{n}/submit': party,
  'POST /v1/contracts/{id}/milestones/{n}/accept': party,
  'POST /v1/contracts/{id}/milestones/{n}/request-revision': party,
  'POST /v1/contracts/{id}/milestones/{n}/dispute': party,
  'POST /v1/contracts/{id}/messages': party,
  'POST /v1/contracts/{id}/benefits': party,
  'POST /v1/contracts/{id}/risks': party,
  'POST /v1/disputes/{id}/resolve': association,
  'POST /v1/notifications/read': member,
  'PATCH /v1/orgs/{orgId}': ownerOfOrg,
  // No organisation of the world is a studio awaiting its college's decision: refused for all.
  'POST /v1/orgs/{orgId}/affiliation': never,
  'POST /v1/orgs/{orgId}/member-invitations': ownerOfOrg,
  'DELETE /v1/orgs/{orgId}/member-invitations/{invitationId}': (ctx) => ownerOfOrg(ctx) && ctx.target?.id === world.orgs.enterprise.orgId,
  // A code is a secret shown once: the matrix has none (the one it sends is well-formed but unknown); acceptance is tested in org-profiles.
  'POST /v1/member-invitations/accept': never,
  // Change orders: the signers among the parties; the matrix leaves the signer and owner checks to change-orders.test.ts.
  'POST /v1/contracts/{id}/changes': party,
  'POST /v1/contracts/{id}/changes/{changeId}/approve': party,
  'POST /v1/contracts/{id}/changes/{changeId}/reject': party,
  'POST /v1/contracts/{id}/changes/{changeId}/withdraw': party,
  // The world's contracts are still running (the reviewed one is not an object): nobody may review them yet.
  'POST /v1/contracts/{id}/reviews': never,
  // The world's review is the enterprise's of the studio: the studio replies, associations hide.
  'POST /v1/reviews/{id}/reply': ({ who }) => who.name === 'studio',
  'POST /v1/reviews/{id}/hide': association,
  'POST /v1/requests/{id}/invitations': requestOwnerIn('OPEN'),
  'POST /v1/invitations/{id}/decline': ({ who, target }) => target?.state === 'PENDING' && who.name === 'rival',
  // The matrix's proposal names the world's college as counterpart: only a verified enterprise's owner could make it.
  'POST /v1/appointments': ({ who }) => who.orgType === 'ENTERPRISE' && who.verified && who.role === 'OWNER',
  'POST /v1/appointments/{id}/confirm': ({ who, target }) => target?.state === 'PROPOSED' && who.orgId === target.awaitingOrgId && who.verified && who.role === 'OWNER',
  'POST /v1/appointments/{id}/decline': ({ who, target }) => target?.state === 'PROPOSED' && who.orgId === target.awaitingOrgId && who.verified && who.role === 'OWNER',
  'POST /v1/appointments/{id}/end': (ctx) => party(ctx) && ctx.target?.state === 'ACTIVE' && ctx.who.verified && ctx.who.role === 'OWNER',
  'POST /v1/resources': ({ who }) => who.verified,
  'POST /v1/resources/{id}/bookings': ({ who, target }) => who.verified && who.orgId !== target?.ownerOrgId,
  'POST /v1/resources/{id}/bookings/{bookingId}/approve': ({ who, target }) => target?.state === 'PENDING' && who.verified && who.orgId === target.ownerOrgId,
  'POST /v1/resources/{id}/bookings/{bookingId}/decline': ({ who, target }) => target?.state === 'PENDING' && who.verified && who.orgId === target.ownerOrgId,
  'POST /v1/resources/{id}/bookings/{bookingId}/cancel': (ctx) => ['PENDING', 'APPROVED'].includes(ctx.target?.state ?? '') && ctx.who.verified && party(ctx),
  // Only the bid's studio adds files to it; only the uploader's organisation completes an upload.
  'POST /v1/attachments': ({ who }) => who.orgId === world.orgs.studio.orgId,
  'POST /v1/attachments/{id}/complete': ({ who, target }) => who.orgId !== undefined && who.orgId === target?.studioOrgId,
  // A teacher may be added by members of a college or studio to their own roster (enterprises keep engineers only).
  'POST /v1/orgs/{id}/people': ({ who, target }) => who.orgId !== undefined && who.orgId === target?.id && ['COLLEGE', 'STUDIO'].includes(who.orgType ?? ''),
  'PATCH /v1/orgs/{id}/people/{personId}': never,
  'DELETE /v1/orgs/{id}/people/{personId}': never,
  // The body names a person of no team (the world's teams are its studios' roster people): nothing to log, no entry to sign off.
  'POST /v1/contracts/{id}/milestones/{n}/participation': never,
  'POST /v1/contracts/{id}/milestones/{n}/participation/sign-off': never,
  // Joining a pool takes an owner of a verified enterprise of the request's cluster other than its owner: the world's other
  // enterprise is of another cluster, so nobody may; nobody is in a pool, so nobody leaves one (pools.test.ts covers both).
  'POST /v1/requests/{id}/pool/join': never,
  'POST /v1/requests/{id}/pool/leave': never,
  'POST /v1/programmes': verified('GOVERNMENT'),
  // The matrix applies with a contract that does not exist: nobody gets past it.
  'POST /v1/programmes/{id}/applications': never,
  'POST /v1/applications/{id}/decision': ({ who, target }) => target?.state === 'PENDING' && who.name === 'government',
  'PUT /v1/orgs/{orgId}/overhead': (ctx) => ctx.target?.name === 'college' && ownerOfOrg(ctx) && ctx.who.verified,
};

/** A valid body for each operation that reads one, so a refusal is about who calls, not what they sent. */
const BODIES: Record<string, (who: Identity) => unknown> = {
  'POST /dev/token': () => ({ sub: 'matrix-token' }),
  'POST /v1/orgs': () => ({ type: 'ENTERPRISE', name: '矩阵测试单位' }),
  'POST /v1/orgs/{orgId}/verification': () => ({ decision: 'SUSPEND', reason: 'matrix' }),
  'PATCH /v1/orgs/{orgId}/members/{sub}': () => ({ role: 'OWNER' }),
  'POST /v1/requests': () => requestBody(api),
  'PATCH /v1/requests/{id}': () => ({ title: '矩阵修改后的标题' }),
  'POST /v1/requests/{id}/review': () => ({ decision: 'APPROVE' }),
  'POST /v1/requests/{id}/cancel': () => ({ reason: 'matrix' }),
  'POST /v1/requests/{id}/close': () => ({ reason: 'matrix' }),
  'POST /v1/requests/{id}/suspend': () => ({ reason: 'matrix' }),
  // A studio names its own roster people; anyone else sends a well-formed team, refused for who they are.
  'POST /v1/requests/{id}/bids': (who) => bidBody(who.team ?? world.orgs.studio.team),
  'POST /v1/requests/{id}/questions': () => ({ text: '是否需要现场调试？' }),
  'POST /v1/contracts/{id}/messages': () => ({ text: '矩阵留言' }),
  'POST /v1/questions/{id}/answer': () => ({ text: '需要。', visibility: 'PUBLIC' }),
  'POST /v1/requests/{id}/award': () => ({ bidId: object('liveBid').id, shares: evenShares(world.orgs.enterprise.orgId, world.orgs.studio.orgId) }),
  'PATCH /v1/bids/{id}': () => ({ durationDays: 80 }),
  'POST /v1/contracts/{id}/terminate': () => ({ reason: 'matrix' }),
  'POST /v1/contracts/{id}/milestones/{n}/fund': () => ({}),
  'POST /v1/contracts/{id}/milestones/{n}/submit': () => ({ note: '矩阵交付' }),
  'POST /v1/contracts/{id}/milestones/{n}/accept': () => ({}),
  'POST /v1/contracts/{id}/milestones/{n}/request-revision': () => ({ reason: '矩阵' }),
  'POST /v1/contracts/{id}/milestones/{n}/dispute': () => ({ reason: '矩阵' }),
  'POST /v1/contracts/{id}/benefits': () => ({ amount: fen(10_000) }),
  'POST /v1/contracts/{id}/risks': () => ({ amount: fen(10_000) }),
  'POST /v1/disputes/{id}/resolve': () => ({ outcome: 'RELEASE' }),
  'POST /v1/notifications/read': () => ({}),
  'PATCH /v1/orgs/{orgId}': () => ({ description: '矩阵简介' }),
  'POST /v1/orgs/{orgId}/affiliation': () => ({ decision: 'ACCEPT' }),
  'POST /v1/orgs/{orgId}/member-invitations': () => ({ role: 'MEMBER', displayName: '矩阵成员' }),
  'POST /v1/member-invitations/accept': () => ({ code: `minv_01JD0000000000000000000000.${'x'.repeat(43)}` }),
  'POST /v1/contracts/{id}/changes': () => ({ reason: '矩阵', operations: [{ op: 'reviewWindow', days: 7 }] }),
  'POST /v1/contracts/{id}/changes/{changeId}/reject': () => ({}),
  'POST /v1/contracts/{id}/changes/{changeId}/withdraw': () => ({}),
  'POST /v1/contracts/{id}/reviews': () => ({ ratings: { quality: 5, timeliness: 5, communication: 5 }, comment: '矩阵评价内容' }),
  'POST /v1/reviews/{id}/reply': () => ({ text: '矩阵回复' }),
  'POST /v1/reviews/{id}/hide': () => ({ reason: '矩阵隐藏理由' }),
  'POST /v1/requests/{id}/invitations': () => ({ studioOrgId: world.orgs.studio.orgId }),
  'POST /v1/invitations/{id}/decline': () => ({ reason: '矩阵谢绝' }),
  'POST /v1/appointments': () => ({
    kind: 'INDUSTRY_TEACHER', counterpartOrgId: world.objects.find((o) => o.name === 'appointment')!.awaitingOrgId, cluster: 'smart-manufacturing',
    person: { name: '矩阵工程师' }, subject: '矩阵课程', startDate: '2030-03-01', endDate: '2030-07-01', hoursPerMonth: 8,
  }),
  'POST /v1/appointments/{id}/confirm': () => ({}),
  'POST /v1/appointments/{id}/decline': () => ({ reason: 'matrix' }),
  'POST /v1/appointments/{id}/end': () => ({ reason: 'matrix' }),
  'POST /v1/resources': () => ({
    type: 'EQUIPMENT', name: '矩阵设备', description: '矩阵测试用的设备。', cluster: 'smart-manufacturing', capabilities: ['检测'],
    location: '车间 A', rules: '须预约。', price: { unit: 'PER_HOUR', amount: fen(10_000) },
  }),
  'POST /v1/resources/{id}/bookings': () => {
    const start = Math.ceil(api.clock().getTime() / 3_600_000) * 3_600_000 + 240 * 3_600_000;
    return { start: new Date(start).toISOString(), end: new Date(start + 3_600_000).toISOString(), purpose: '矩阵预约' };
  },
  'POST /v1/resources/{id}/bookings/{bookingId}/approve': () => ({}),
  'POST /v1/resources/{id}/bookings/{bookingId}/decline': () => ({ reason: 'matrix' }),
  'POST /v1/resources/{id}/bookings/{bookingId}/cancel': () => ({ reason: 'matrix' }),
  'POST /v1/programmes': () => ({ name: '矩阵计划', budget: fen(100_000), maxBps: 1_000, clusters: ['smart-manufacturing'], opensOn: '2030-01-01', closesOn: '2030-12-31' }),
  'POST /v1/programmes/{id}/applications': () => ({ contractId: ghostId('ctr'), bps: 1_000 }),
  'POST /v1/applications/{id}/decision': () => ({ decision: 'reject', reason: 'matrix' }),
  'PUT /v1/orgs/{orgId}/overhead': () => ({ bps: 1_000 }),
  'POST /v1/attachments': () => ({ parent: `BID:${object('liveBid').id}`, name: '矩阵.pdf', contentType: 'application/pdf', size: 10, sha256: 'ab'.repeat(32) }),
  'POST /v1/orgs/{id}/people': () => ({ kind: 'TEACHER', name: '矩阵老师' }),
  'PATCH /v1/orgs/{id}/people/{personId}': () => ({ name: '矩阵改名' }),
  'POST /v1/contracts/{id}/milestones/{n}/participation': () => ({ personId: PERSON_ID, hours: 4, tasks: ['矩阵任务'] }),
  'POST /v1/contracts/{id}/milestones/{n}/participation/sign-off': () => ({}),
  'POST /v1/requests/{id}/pool/join': () => ({ pledgeBps: 1_000 }),
};

// ── The world's objects for each parameter ──────────────────────────────────

const KIND_OF_SEGMENT: Record<string, ObjectKind> = {
  orgs: 'org', accounts: 'org', colleges: 'org', requests: 'request', bids: 'bid', contracts: 'contract', disputes: 'dispute', questions: 'question',
  reviews: 'review', invitations: 'invitation', appointments: 'appointment', resources: 'resource', attachments: 'attachment',
  programmes: 'programme', applications: 'application',
};
const PREFIX: Record<ObjectKind, string> = {
  org: 'org', request: 'req', bid: 'bid', contract: 'ctr', dispute: 'dsp', question: 'qst', review: 'rev', invitation: 'inv', appointment: 'apt', resource: 'res', booking: 'bkg',
  attachment: 'att', programme: 'prg', application: 'sap',
};
/** Objects the audit trail names (an attachment's trail is its parent's). */
const audited = (o: WorldObject) => o.kind !== 'attachment';
/** Required query parameters that name no object. */
const QUERY_VALUES: Record<string, string> = { cluster: 'smart-manufacturing', parent: `BID:${object('liveBid').id}`, from: '2000-01-01', to: '2099-12-31', year: '2026' };
/** The member a `{sub}` of `/members/{sub}` names: the enterprise's plain member (no member of the other organisations). */
const MEMBER_SUB = world.identities.member.caller.sub;
/** The world has no change orders: a `{changeId}` names one that does not exist (the contract decides who gets past the 404). */
const CHANGE_ID = ghostId('chg');
/** The world has no roster people nor student records: `{personId}` and a record's `{id}` name ones that do not exist. */
const PERSON_ID = ghostId('per');
const RECORD_ID = ghostId('rec');
const objectsOf = (kind: ObjectKind) => world.objects.filter((o) => o.kind === kind);

interface Binding {
  target?: WorldObject;
  n?: number;
  /** The call with this binding. */
  url: string;
  /** The same call naming an object that does not exist (for a target). */
  ghostUrl?: string;
}

/** Every way to fill an operation's path and required query from the world; throws if a parameter has none. */
function bindingsOf(operation: Operation): Binding[] {
  const segments = operation.path.split('/');
  let kind: ObjectKind | undefined;
  const extra: Record<string, number[]> = {};
  for (const [index, segment] of segments.entries()) {
    const name = segment.match(/^\{(\w+)\}$/)?.[1];
    if (!name) continue;
    const before = segments[index - 1]!;
    if (name === 'n' && before === 'milestones') extra.n = [1]; // the funded milestone
    else if (name === 'bookingId' && before === 'bookings') kind = 'booking'; // the booking names its resource's {id}
    else if (name === 'sub' && before === 'members') continue; // the enterprise's plain member (MEMBER_SUB)
    else if (name === 'invitationId' && before === 'member-invitations') continue; // the enterprise's open member invitation
    else if (name === 'changeId' && before === 'changes') continue; // CHANGE_ID
    else if (name === 'personId' && (before === 'people' || before === 'students')) continue; // PERSON_ID
    else if (name === 'id' && before === 'student-records') continue; // RECORD_ID
    else if (KIND_OF_SEGMENT[before] && !kind) kind = KIND_OF_SEGMENT[before];
    else throw new Error(`${operation.key}: no world object for {${name}}; add one to the matrix`);
  }
  const query = operation.requiredQuery.map((p) => p.name);
  for (const name of query) if (name !== 'entity' && !(name in QUERY_VALUES)) throw new Error(`${operation.key}: no world value for the required query ?${name}=`);
  const plain = query.filter((name) => name !== 'entity').map((name) => `${name}=${QUERY_VALUES[name]}`);
  const targets: (WorldObject | undefined)[] = kind ? objectsOf(kind) : query.includes('entity') ? world.objects.filter(audited) : [undefined];
  const ns = extra.n ?? [undefined];
  return targets.flatMap((target) =>
    ns.map((n) => {
      const fill = (id: string) => {
        const values: Record<string, string | number> = {};
        for (const p of operation.pathParams) values[p.name] = p.name === 'n' ? n! : p.name === 'sub' ? MEMBER_SUB : p.name === 'invitationId' ? world.memberInvitationId : id;
        for (const p of operation.pathParams) values[p.name] = p.name === 'n' ? n! : p.name === 'sub' ? MEMBER_SUB : p.name === 'changeId' ? CHANGE_ID : id;
        for (const p of operation.pathParams) values[p.name] = p.name === 'n' ? n! : p.name === 'sub' ? MEMBER_SUB : p.name === 'id' && target?.kind === 'booking' ? target.resourceId! : id;
        for (const p of operation.pathParams) if (p.name === 'personId') values[p.name] = PERSON_ID;
        if (operation.path.startsWith('/v1/student-records/')) values.id = RECORD_ID;
        const path = fillPath(operation.path, values);
        const entityKind = target?.kind === 'org' ? 'organisation' : target?.kind;
        const pairs = [...plain, ...(query.includes('entity') ? [`entity=${entityKind}:${id}`] : [])];
        return pairs.length ? `${path}?${pairs.join('&')}` : path;
      };
      return { target, n, url: fill(target?.id ?? ''), ghostUrl: target ? fill(ghostId(PREFIX[target.kind])) : undefined };
    }),
  );
}

// ── Calling ─────────────────────────────────────────────────────────────────

interface Answer {
  status: number;
  code?: string;
  text: string;
}

async function callApi(operation: Operation, url: string, who: Identity): Promise<Answer> {
  const body = operation.hasBody ? BODIES[operation.key]!(who) : undefined;
  const response = await app.request(url, {
    method: operation.method,
    headers: {
      authorization: `Bearer ${who.caller.token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(operation.parameters.some((p) => p.name === 'idempotency-key') ? { 'idempotency-key': `matrix-${crypto.randomUUID()}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  statuses.record(operation, response.status);
  let code: string | undefined;
  try {
    code = JSON.parse(text)?.error?.code;
  } catch {
    code = undefined;
  }
  return { status: response.status, code, text };
}

/** Ids of the world's objects `who` may not see: none may appear in anything `who` is shown. */
const hiddenIds = (who: Identity) => hiddenIdsOf(who, world.objects);

/** Answers for missing ids depend only on the call and the caller: asked once each. */
const ghosts = new Map<string, Promise<unknown>>();
const once = <T>(key: string, call: () => Promise<T>): Promise<T> => {
  if (!ghosts.has(key)) ghosts.set(key, call());
  return ghosts.get(key) as Promise<T>;
};

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

let before: string[];
beforeAll(async () => {
  before = await snapshot(api);
});

// ── The JSON API ────────────────────────────────────────────────────────────

describe('the authorisation matrix of the JSON API', () => {
  it('has a rule for every operation of the document, and a body for every operation that reads one', () => {
    const unruled = operations.filter((op) => !(op.key in READS) && !(op.key in WRITES)).map((op) => op.key);
    expect(unruled, 'operations without a rule in the matrix').toEqual([]);
    const bodiless = operations.filter((op) => op.hasBody && !(op.key in BODIES)).map((op) => op.key);
    expect(bodiless, 'operations without a valid body in the matrix').toEqual([]);
    for (const op of operations) expect(() => bindingsOf(op), op.key).not.toThrow();
  });

  it('every operation × identity × object: allowed reads answer, refusals are 4xx, hidden objects are a 404 like a missing id, nothing hidden shows', { timeout: 240_000 }, async () => {
    const failures: string[] = [];
    const cases = operations.flatMap((operation) =>
      bindingsOf(operation).flatMap((binding) => identities.map((who) => ({ operation, binding, who }))),
    );
    await inBatches(cases, 8, async ({ operation, binding, who }) => {
      const isRead = operation.key in READS;
      const ctx: Ctx = { who, target: binding.target, n: binding.n };
      const allowed = (isRead ? READS : WRITES)[operation.key]!(ctx);
      if (!isRead && allowed) return; // could succeed: not made, so the world stays as it is
      const label = `${operation.key} ${binding.target?.name ?? ''}${binding.n ? `#${binding.n}` : ''} as ${who.name}`;
      const answer = await callApi(operation, binding.url, who);
      if (answer.status >= 500) failures.push(`${label}: ${answer.status} ${answer.text.slice(0, 200)}`);
      if (allowed && (answer.status < 200 || answer.status > 299)) failures.push(`${label}: expected 2xx, got ${answer.status} ${answer.code}`);
      if (!allowed && (answer.status < 400 || answer.status > 499)) failures.push(`${label}: expected a refusal, got ${answer.status}`);
      if (binding.target && !sees(who, binding.target)) {
        const ghost = await once(`${operation.key} ${binding.ghostUrl} ${who.name}`, () => callApi(operation, binding.ghostUrl!, who));
        if (isRead && answer.status !== 404) failures.push(`${label}: a hidden object must be a 404, got ${answer.status} ${answer.code}`);
        if (answer.status !== ghost.status || answer.code !== ghost.code) {
          failures.push(`${label}: answers ${answer.status} ${answer.code} but a missing id answers ${ghost.status} ${ghost.code}`);
        }
      }
      if (answer.status < 300) {
        const leaked = hiddenIds(who).filter((id) => answer.text.includes(id));
        if (leaked.length) failures.push(`${label}: shows hidden ${leaked.map((id) => world.objects.find((o) => o.id === id)!.name).join(', ')}`);
      }
    });
    expect(failures).toEqual([]);
  });

  it('every status the matrix drew is documented for its operation', () => {
    expect(statuses.undocumented(operations)).toEqual([]);
  });
});

// ── The pages ───────────────────────────────────────────────────────────────

/** Page routes as the app registers them. */
const pageRoutes = [
  ...new Map(
    app.routes
      // (`/files/<token>`: the local storage's signed URLs, where the URL is the authorisation; attachments.test.ts checks forged ones.)
      .filter((r) => (r.method === 'GET' || r.method === 'POST') && !/^\/(v1|dev|openapi\.json|docs|health|files)(\/|$)/.test(r.path) && !r.path.includes('*'))
      .map((r) => [`${r.method} ${r.path}`, { method: r.method as 'GET' | 'POST', path: r.path }]),
  ).values(),
];

/** Pages that need no rule here: assets and the session itself. */
const SESSION_PAGES = new Set(['GET /assets/app.css', 'GET /assets/app.js', 'GET /signin', 'POST /signin', 'GET /auth/start', 'GET /auth/callback', 'POST /signout']);

/**
 * Each form post, the API operation whose rule it follows (the pages call the
 * same services), and a filled-in form. `own` binds the caller's own organisation.
 */
const FORMS: Record<string, { op: string; own?: true; form: Record<string, string> | ((step?: string) => Record<string, string>) }> = {
  'POST /org/new': { op: 'POST /v1/orgs', form: { type: 'ENTERPRISE', name: '矩阵测试单位' } },
  'POST /org/leave': { op: 'POST /v1/orgs/{orgId}/members/leave', own: true, form: {} },
  // The members page invites (the raw add by identity is the API's alone).
  'POST /org/members': { op: 'POST /v1/orgs/{orgId}/member-invitations', own: true, form: { displayName: '矩阵成员', role: 'MEMBER' } },
  'POST /org/edit': { op: 'PATCH /v1/orgs/{orgId}', own: true, form: { description: '矩阵简介' } },
  'POST /orgs/:id/affiliation': { op: 'POST /v1/orgs/{orgId}/affiliation', form: { decision: 'ACCEPT' } },
  'POST /org/invitations/revoke': { op: 'DELETE /v1/orgs/{orgId}/member-invitations/{invitationId}', own: true, form: { invitationId: world.memberInvitationId } },
  'POST /org/members/role': { op: 'PATCH /v1/orgs/{orgId}/members/{sub}', own: true, form: { sub: MEMBER_SUB, role: 'OWNER' } },
  'POST /org/members/remove': { op: 'DELETE /v1/orgs/{orgId}/members/{sub}', own: true, form: { sub: MEMBER_SUB } },
  'POST /member-invitations/accept': { op: 'POST /v1/member-invitations/accept', form: { code: `minv_01JD0000000000000000000000.${'x'.repeat(43)}` } },
  'POST /requests/new': { op: 'POST /v1/requests', form: { title: '矩阵需求', summary: '需要对焊缝的气孔与裂纹进行在线视觉检测。', cluster: 'smart-manufacturing' } },
  'POST /requests/:id/edit': { op: 'PATCH /v1/requests/{id}', form: { title: '矩阵修改后的标题' } },
  'POST /requests/:id/submit': { op: 'POST /v1/requests/{id}/submit', form: {} },
  'POST /requests/:id/cancel': { op: 'POST /v1/requests/{id}/cancel', form: { reason: 'matrix' } },
  'POST /requests/:id/close': { op: 'POST /v1/requests/{id}/close', form: { reason: 'matrix' } },
  'POST /requests/:id/review': { op: 'POST /v1/requests/{id}/review', form: { decision: 'APPROVE' } },
  'POST /requests/:id/suspend': { op: 'POST /v1/requests/{id}/suspend', form: { reason: 'matrix' } },
  'POST /requests/:id/bid': { op: 'POST /v1/requests/{id}/bids', form: { price: '90000', durationDays: '90', approach: '采用结构光与深度学习相结合的检测方案。' } },
  'POST /requests/:id/questions': { op: 'POST /v1/requests/{id}/questions', form: { question: '是否需要现场调试？' } },
  'POST /contracts/:id/messages': { op: 'POST /v1/contracts/{id}/messages', form: { text: '矩阵留言' } },
  'POST /questions/:id/answer': { op: 'POST /v1/questions/{id}/answer', form: { text: '需要。', visibility: 'PUBLIC' } },
  'POST /requests/:id/award': { op: 'POST /v1/requests/{id}/award', form: {} },
  'POST /bids/:id/edit': { op: 'PATCH /v1/bids/{id}', form: { durationDays: '80' } },
  'POST /bids/:id/withdraw': { op: 'POST /v1/bids/{id}/withdraw', form: {} },
  'POST /contracts/:id/sign': { op: 'POST /v1/contracts/{id}/sign', form: {} },
  'POST /contracts/:id/milestones/:n/:step': { op: 'POST /v1/contracts/{id}/milestones/{n}/{step}', form: { note: '矩阵', reason: '矩阵' } },
  'POST /contracts/:id/statements': { op: 'POST /v1/contracts/{id}/benefits', form: { kind: 'BENEFIT', amount: '100' } },
  'POST /contracts/:id/terminate': { op: 'POST /v1/contracts/{id}/terminate', form: { reason: 'matrix' } },
  'POST /disputes/:id/resolve': { op: 'POST /v1/disputes/{id}/resolve', form: { outcome: 'RELEASE' } },
  'POST /moderation/orgs/:id': { op: 'POST /v1/orgs/{orgId}/verification', form: { decision: 'SUSPEND', reason: 'matrix' } },
  'POST /notifications/read': { op: 'POST /v1/notifications/read', form: {} },
  'POST /contracts/:id/changes': { op: 'POST /v1/contracts/{id}/changes', form: { reason: '矩阵', reviewWindowDays: '7' } },
  'POST /contracts/:id/changes/:changeId/:decision': { op: 'POST /v1/contracts/{id}/changes/{changeId}/approve', form: {} },
  'POST /contracts/:id/reviews': { op: 'POST /v1/contracts/{id}/reviews', form: { 'ratings.quality': '5', 'ratings.timeliness': '5', 'ratings.communication': '5', comment: '矩阵评价内容' } },
  'POST /reviews/:id/reply': { op: 'POST /v1/reviews/{id}/reply', form: { text: '矩阵回复' } },
  'POST /reviews/:id/hide': { op: 'POST /v1/reviews/{id}/hide', form: { reason: '矩阵隐藏理由' } },
  'POST /requests/:id/invitations': { op: 'POST /v1/requests/{id}/invitations', form: { studioOrgId: world.orgs.studio.orgId } },
  'POST /invitations/:id/decline': { op: 'POST /v1/invitations/{id}/decline', form: { reason: '矩阵谢绝' } },
  'POST /resources/new': {
    op: 'POST /v1/resources',
    form: { type: 'EQUIPMENT', name: '矩阵设备', description: '矩阵测试用的设备。', cluster: 'smart-manufacturing', capabilities: '检测', location: '车间 A', rules: '须预约。', 'price.unit': 'FREE' },
  },
  'POST /resources/:id/book': { op: 'POST /v1/resources/{id}/bookings', form: { start: '2099-01-01T09:00', end: '2099-01-01T10:00', purpose: '矩阵预约' } },
  'POST /bookings/:id/approve': { op: 'POST /v1/resources/{id}/bookings/{bookingId}/approve', form: {} },
  'POST /bookings/:id/decline': { op: 'POST /v1/resources/{id}/bookings/{bookingId}/decline', form: { reason: 'matrix' } },
  'POST /bookings/:id/cancel': { op: 'POST /v1/resources/{id}/bookings/{bookingId}/cancel', form: { reason: 'matrix' } },
  'POST /appointments/new': {
    op: 'POST /v1/appointments',
    form: {
      kind: 'INDUSTRY_TEACHER', counterpartOrgId: world.objects.find((o) => o.name === 'appointment')!.awaitingOrgId!, cluster: 'smart-manufacturing',
      'person.name': '矩阵工程师', subject: '矩阵课程', startDate: '2030-03-01', endDate: '2030-07-01', hoursPerMonth: '8',
    },
  },
  'POST /appointments/:id/confirm': { op: 'POST /v1/appointments/{id}/confirm', form: {} },
  'POST /appointments/:id/decline': { op: 'POST /v1/appointments/{id}/decline', form: { reason: 'matrix' } },
  'POST /appointments/:id/end': { op: 'POST /v1/appointments/{id}/end', form: { reason: 'matrix' } },
  'POST /attachments': { op: 'POST /v1/attachments', form: { parent: '' } },
  'POST /attachments/declare': { op: 'POST /v1/attachments', form: { parent: '' } },
  'POST /attachments/:id/complete': { op: 'POST /v1/attachments/{id}/complete', form: {} },
  'POST /people': { op: 'POST /v1/orgs/{id}/people', own: true, form: { kind: 'TEACHER', name: '矩阵老师' } },
  'POST /people/:id/remove': { op: 'DELETE /v1/orgs/{id}/people/{personId}', own: true, form: {} },
  'POST /contracts/:id/participation/:n': { op: 'POST /v1/contracts/{id}/milestones/{n}/participation', form: { personId: PERSON_ID, hours: '4', tasks: '矩阵任务' } },
  'POST /contracts/:id/participation/:n/sign-off': { op: 'POST /v1/contracts/{id}/milestones/{n}/participation/sign-off', form: {} },
  'POST /requests/:id/pool/join': { op: 'POST /v1/requests/{id}/pool/join', form: { pledgeBps: '10' } },
  'POST /requests/:id/pool/leave': { op: 'POST /v1/requests/{id}/pool/leave', form: {} },
  'POST /programmes/new': {
    op: 'POST /v1/programmes',
    form: { name: '矩阵计划', budget: '1000', maxBps: '10', clusters: 'smart-manufacturing', opensOn: '2030-01-01', closesOn: '2030-12-31' },
  },
  'POST /programmes/:id/apply': { op: 'POST /v1/programmes/{id}/applications', form: { contractId: ghostId('ctr'), bps: '10' } },
  'POST /applications/:id/approve': { op: 'POST /v1/applications/{id}/decision', form: {} },
  'POST /applications/:id/reject': { op: 'POST /v1/applications/{id}/decision', form: {} },
  'POST /orgs/:id/overhead': { op: 'PUT /v1/orgs/{orgId}/overhead', form: { bps: '10' } },
};

const PAGE_KIND: Record<string, ObjectKind> = {
  requests: 'request', bids: 'bid', contracts: 'contract', disputes: 'dispute', orgs: 'org', questions: 'question', reviews: 'review', invitations: 'invitation',
  appointments: 'appointment', resources: 'resource', bookings: 'booking', attachments: 'attachment', programmes: 'programme', applications: 'application',
};
const STEPS = ['fund', 'submit', 'accept', 'request-revision', 'dispute'];

interface PageBinding {
  target?: WorldObject;
  url: string;
  ghostUrl?: string;
  step?: string;
}

function pageBindingsOf(route: { method: string; path: string }): PageBinding[] {
  const segments = route.path.split('/');
  let kind: ObjectKind | undefined;
  let hasStep = false;
  let ghost: string | undefined;
  for (const [index, segment] of segments.entries()) {
    if (!segment.startsWith(':')) continue;
    const name = segment.slice(1);
    if (name === 'id' && PAGE_KIND[segments[index - 1]!]) kind = PAGE_KIND[segments[index - 1]!];
    else if (name === 'n' || name === 'step') hasStep ||= name === 'step';
    else if (name === 'changeId' || name === 'decision') continue; // CHANGE_ID, approve
    else if (name === 'id' && GHOST_PAGE_IDS[segments[index - 1]!]) ghost = GHOST_PAGE_IDS[segments[index - 1]!]; // a person, a student record
    else throw new Error(`${route.method} ${route.path}: no world object for :${name}; add one to the matrix`);
  }
  const steps = hasStep ? STEPS : [undefined];
  if (route.path === '/audit') {
    return world.objects.filter(audited).map((target) => {
      const entity = (id: string) => `/audit?entity=${target.kind === 'org' ? 'organisation' : target.kind}:${id}`;
      return { target, url: entity(target.id), ghostUrl: entity(ghostId(PREFIX[target.kind])) };
    });
  }
  const targets: (WorldObject | undefined)[] = kind ? objectsOf(kind) : [undefined];
  return targets.flatMap((target) =>
    steps.map((step) => {
      const fill = (id: string) => route.path.replace(':id', id).replace(':n', '1').replace(':step', step ?? '').replace(':changeId', CHANGE_ID).replace(':decision', 'approve');
      return { target, step, url: fill(target?.id ?? ghost ?? ''), ghostUrl: target ? fill(ghostId(PREFIX[target.kind])) : undefined };
    }),
  );
}

/** Page ids that name no world object (the world has no people nor student records). */
const GHOST_PAGE_IDS: Record<string, string> = { people: PERSON_ID, records: RECORD_ID };

async function callPage(method: 'GET' | 'POST', url: string, who: Identity, form?: Record<string, string>): Promise<Answer & { location?: string }> {
  const response = await app.request(`${api.baseUrl}${url}`, {
    method,
    headers: {
      accept: 'text/html',
      cookie: `st_session=${who.caller.token}`,
      ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded', origin: api.baseUrl } : {}),
    },
    body: method === 'POST' ? new URLSearchParams(form ?? {}).toString() : undefined,
  });
  return { status: response.status, text: await response.text(), location: response.headers.get('location') ?? undefined };
}

describe('the authorisation matrix of the pages (session cookie)', () => {
  it('has a rule for every page route and form post', () => {
    const posts = pageRoutes.filter((r) => r.method === 'POST' && !SESSION_PAGES.has(`POST ${r.path}`)).map((r) => `POST ${r.path}`);
    expect(posts.filter((key) => !(key in FORMS)), 'form posts without a rule in the matrix').toEqual([]);
    for (const route of pageRoutes) expect(() => pageBindingsOf(route), route.path).not.toThrow();
  });

  it('a page of an object the identity may not see is a 404 page, like a missing id; no page shows a hidden object', { timeout: 120_000 }, async () => {
    const failures: string[] = [];
    const gets = pageRoutes.filter((r) => r.method === 'GET' && !SESSION_PAGES.has(`GET ${r.path}`) && r.path !== '/me/export');
    const cases = gets.flatMap((route) => pageBindingsOf(route).flatMap((binding) => identities.map((who) => ({ route, binding, who }))));
    await inBatches(cases, 8, async ({ route, binding, who }) => {
      const label = `GET ${binding.url.split('?')[0]!.replace(binding.target?.id ?? '§', `<${binding.target?.name}>`)} as ${who.name}`;
      const answer = await callPage('GET', binding.url, who);
      if (answer.status >= 500) failures.push(`${label}: ${answer.status}`);
      if (binding.target && !sees(who, binding.target)) {
        const ghost = await once(`GET ${binding.ghostUrl} ${who.name}`, () => callPage('GET', binding.ghostUrl!, who));
        if (answer.status !== 404 || !answer.text.includes('data-error-status="404"')) failures.push(`${label}: a hidden object must be a 404 page, got ${answer.status}`);
        if (answer.status !== ghost.status) failures.push(`${label}: ${answer.status}, but a missing id gives ${ghost.status}`);
      }
      if (answer.status < 300) {
        const leaked = hiddenIds(who).filter((id) => answer.text.includes(id));
        if (leaked.length) failures.push(`${label}: shows hidden ${leaked.map((id) => world.objects.find((o) => o.id === id)!.name).join(', ')}`);
      }
      void route;
    });
    expect(failures).toEqual([]);
  });

  it('no form post lets an identity do what the API refuses it, and hidden objects are a 404 there too', { timeout: 120_000 }, async () => {
    const failures: string[] = [];
    const posts = pageRoutes.filter((r) => r.method === 'POST' && `POST ${r.path}` in FORMS);
    const cases = posts.flatMap((route) => pageBindingsOf(route).flatMap((binding) => identities.map((who) => ({ route, binding, who }))));
    await inBatches(cases, 8, async ({ route, binding, who }) => {
      const rule = FORMS[`POST ${route.path}`]!;
      const opKey = rule.op.replace('{step}', binding.step ?? '');
      const own = rule.own ? world.objects.find((o) => o.kind === 'org' && o.id === who.orgId) ?? { name: 'own', kind: 'org' as const, id: who.orgId ?? '', parties: who.orgId ? [who.orgId] : [], public: false, state: '' } : undefined;
      const target = binding.target ?? own;
      const allowed = WRITES[opKey]!({ who, target });
      if (allowed) return;
      const label = `POST ${binding.url.replace(binding.target?.id ?? '§', `<${binding.target?.name}>`)} as ${who.name}`;
      const form = typeof rule.form === 'function' ? rule.form(binding.step) : rule.form;
      const answer = await callPage('POST', binding.url, who, form);
      // Refused: an error page, or (without an organisation) the way to register one.
      const refused = (answer.status >= 400 && answer.status < 500) || (answer.status === 303 && answer.location === '/org/new');
      if (!refused) failures.push(`${label}: expected a refusal, got ${answer.status} ${answer.location ?? ''}`);
      if (binding.target && !sees(who, binding.target)) {
        const ghost = await once(`POST ${binding.ghostUrl} ${who.name}`, () => callPage('POST', binding.ghostUrl!, who, form));
        if (answer.status !== ghost.status) failures.push(`${label}: ${answer.status}, but a missing id gives ${ghost.status}`);
        if (answer.status === 200 || answer.status === 303) failures.push(`${label}: a hidden object was acted on (${answer.status})`);
      }
    });
    expect(failures).toEqual([]);
  });
});

describe('after the matrix', () => {
  it('the world is unchanged: every item of the table is exactly as it was', async () => {
  const after = await snapshot(api);
  const added = after.filter((item) => !before.includes(item));
  const removed = before.filter((item) => !after.includes(item));
  expect({ added: added.map((i) => i.slice(0, 300)), removed: removed.map((i) => i.slice(0, 300)) }).toEqual({ added: [], removed: [] });
  });
});
