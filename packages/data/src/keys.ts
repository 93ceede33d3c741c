import { entityRefKey, type EntityRef, type Recipient } from '@sharedtech/core';

/**
 * Every key value in the table is built here and nowhere else. Prefixes name
 * the entity so items of different kinds never collide in one partition, and
 * sort keys are ULID-based ids, so "newest first" is a reverse Query.
 */
export const keys = {
  org: (orgId: string) => ({ pk: `ORG#${orgId}`, sk: '#ORG' }),
  /** Verification queue and "organisations by status". */
  orgByStatus: (status: string, orgId: string) => ({ gsi1pk: `ORGS#STATUS#${status}`, gsi1sk: orgId }),
  /** Studios, colleges, governments… by type. */
  orgByType: (type: string, orgId: string) => ({ gsi2pk: `ORGS#TYPE#${type}`, gsi2sk: orgId }),

  /** A verified studio has one item per capability tag, so "studios that can do X" is a Query. */
  studioCapability: (orgId: string, tag: string) => ({ pk: `ORG#${orgId}`, sk: `CAP#${tag.toLowerCase()}` }),
  studiosWithCapability: (tag: string, orgId: string) => ({ gsi1pk: `STUDIOS#CAP#${tag.toLowerCase()}`, gsi1sk: orgId }),

  /** One membership per user: the key itself makes "one organisation per user" a database guarantee. */
  membership: (sub: string) => ({ pk: `USER#${sub}`, sk: '#MEMBERSHIP' }),
  membersOfOrg: (orgId: string, sub: string) => ({ gsi1pk: `ORG#${orgId}#MEMBERS`, gsi1sk: sub }),

  request: (requestId: string) => ({ pk: `REQ#${requestId}`, sk: '#REQ' }),
  requestsByStatus: (status: string, requestId: string) => ({ gsi1pk: `REQS#STATUS#${status}`, gsi1sk: requestId }),
  requestsByCluster: (cluster: string, status: string, requestId: string) => ({
    gsi2pk: `REQS#CLUSTER#${cluster}#${status}`,
    gsi2sk: requestId,
  }),
  requestsOfOrg: (orgId: string, requestId: string) => ({ gsi3pk: `ORG#${orgId}#REQS`, gsi3sk: requestId }),
  /** A pooled request's pool (members and pledges), versioned: of concurrent joins exceeding 100 % one commits. */
  requestPool: (requestId: string) => ({ pk: `REQ#${requestId}`, sk: 'POOL' }),
  /**
   * An OPEN request has one deadline timer; its sparse index entry sorts by the
   * bidding deadline, so the closing job reads exactly the expired ones.
   */
  deadlineTimer: (requestId: string) => ({ pk: `REQ#${requestId}`, sk: 'TIMER#DEADLINE' }),
  deadlinesDue: (deadline: string, requestId: string) => ({ gsi3pk: 'TIMERS#DEADLINE', gsi3sk: `${deadline}#${requestId}` }),
  /** A request has one tag item per tag (a copy of the request), indexed by tag and status. */
  requestTag: (requestId: string, tag: string) => ({ pk: `REQ#${requestId}`, sk: `TAG#${tag}` }),
  requestsByTag: (tag: string, status: string, requestId: string) => ({
    gsi1pk: `REQS#TAG#${tag}#${status}`,
    gsi1sk: requestId,
  }),

  question: (questionId: string) => ({ pk: `QST#${questionId}`, sk: '#QST' }),
  /** A request's questions, oldest first: the order a reader follows a clarification thread. */
  questionsOfRequest: (requestId: string, questionId: string) => ({ gsi1pk: `REQ#${requestId}#QUESTIONS`, gsi1sk: questionId }),
  /**
   * Search: an OPEN request has one item per index token (see core/search.ts),
   * indexed by token (gsi1) and by token within its cluster (gsi2); a Han token
   * also by its first character (gsi3), for one-character queries. Index sort
   * keys start with the token's weight, so a reverse Query reads the heaviest
   * (then newest) first and a Limit keeps the best. Written and removed in the
   * request's own transactions.
   */
  searchToken: (requestId: string, token: string) => ({ pk: `REQ#${requestId}`, sk: `TOK#${token}` }),
  requestsByToken: (token: string, status: string, weight: number, requestId: string) => ({
    gsi1pk: `REQS#TOK#${token}#${status}`,
    gsi1sk: `${weight}#${requestId}`,
  }),
  requestsByTokenInCluster: (token: string, cluster: string, status: string, weight: number, requestId: string) => ({
    gsi2pk: `REQS#TOK#${token}#CLUSTER#${cluster}#${status}`,
    gsi2sk: `${weight}#${requestId}`,
  }),
  requestsByFirstChar: (char: string, status: string, weight: number, requestId: string) => ({
    gsi3pk: `REQS#CHAR#${char}#${status}`,
    gsi3sk: `${weight}#${requestId}`,
  }),

  bid: (bidId: string) => ({ pk: `BID#${bidId}`, sk: '#BID' }),
  bidsOfRequest: (requestId: string, bidId: string) => ({ gsi1pk: `REQ#${requestId}#BIDS`, gsi1sk: bidId }),
  bidsOfStudio: (studioOrgId: string, bidId: string) => ({ gsi2pk: `ORG#${studioOrgId}#BIDS`, gsi2sk: bidId }),
  bidsOfStudioOnRequest: (studioOrgId: string, requestId: string, bidId: string) => ({
    gsi3pk: `ORG#${studioOrgId}#REQ#${requestId}#BIDS`,
    gsi3sk: bidId,
  }),
  /**
   * "One live bid per studio per request" as a key: creating a bid puts this
   * item conditionally, so two concurrent bids of one studio cannot both land.
   */
  liveBidLock: (requestId: string, studioOrgId: string) => ({ pk: `REQ#${requestId}`, sk: `LIVEBID#${studioOrgId}` }),

  contract: (contractId: string) => ({ pk: `CTR#${contractId}`, sk: '#CTR' }),
  /** Milestones live in their contract's partition, numbered so they sort in plan order. */
  milestone: (contractId: string, n: number) => ({ pk: `CTR#${contractId}`, sk: `MS#${String(n).padStart(4, '0')}` }),
  /** A contract's messages live in its partition; ULID sort keys make "newest first" a reverse Query. */
  contractMessage: (contractId: string, messageId: string) => ({ pk: `CTR#${contractId}`, sk: `MSG#${messageId}` }),
  /** One pointer per party so "my organisation's contracts" is a Query. */
  contractParty: (contractId: string, orgId: string) => ({ pk: `CTR#${contractId}`, sk: `PARTY#${orgId}` }),
  contractsOfOrg: (orgId: string, contractId: string) => ({ gsi1pk: `ORG#${orgId}#CONTRACTS`, gsi1sk: contractId }),
  contractsOfCluster: (cluster: string, contractId: string) => ({ gsi2pk: `CONTRACTS#CLUSTER#${cluster}`, gsi2sk: contractId }),
  /** Every contract by status (associations' list), newest first. */
  contractsByStatus: (status: string, contractId: string) => ({ gsi1pk: `CONTRACTS#STATUS#${status}`, gsi1sk: contractId }),
  /**
   * An ACTIVE contract with a milestone the scheduled job flagged overdue
   * (`overdueMilestones` > 0) is in this sparse index, newest first, so
   * "overdue" is one Query.
   */
  contractsOverdue: (contractId: string) => ({ gsi3pk: 'CONTRACTS#OVERDUE', gsi3sk: contractId }),
  /** Every contract, newest first (associations' list without filters). */
  allContracts: (contractId: string) => ({ gsi4pk: 'CONTRACTS', gsi4sk: contractId }),
  /** A bid under the college its studio belonged to when it bid (the college's read-only view). */
  bidsOfCollege: (collegeOrgId: string, bidId: string) => ({ gsi4pk: `ORG#${collegeOrgId}#COLLEGE_BIDS`, gsi4sk: bidId }),

  /**
   * Consortium statistics: one counter item per cluster, shard and bucket
   * (`#TOTAL` or `MONTH#yyyy-mm`); shards are separate partitions.
   */
  statsShard: (cluster: string, shard: number, bucket: string) => ({ pk: `STATS#${cluster}#${shard}`, sk: bucket }),
  /** The names of a studio's people already counted in a cluster's statistics (string sets per role). */
  studioPeople: (cluster: string, studioOrgId: string) => ({ pk: `STATS#${cluster}`, sk: `PEOPLE#${studioOrgId}` }),

  /** Which version of the derived items the data has been brought up to (see upgrade-data). */
  dataVersion: () => ({ pk: 'META', sk: '#DATA_VERSION' }),

  /** Follow-up work committed with the change that needs it (an outbox), picked up by the scheduled job. */
  task: (kind: string, subjectId: string) => ({ pk: `TASK#${kind}`, sk: subjectId }),

  // ── Money (ledger, disputes, statements, release timers, idempotency) ──
  /** Journal entries live in their contract's partition, so the ledger view is one Query, oldest first (ULID ids). */
  journalEntry: (contractId: string, entryId: string) => ({ pk: `CTR#${contractId}`, sk: `JNL#${entryId}` }),
  /**
   * One balance item per (contract, account). Organisation-wide balances are
   * not a single item: an enterprise funding many contracts at once would make
   * that item a hot key that every money transaction conflicts on. Instead
   * each per-contract item of an organisation's account is indexed under the
   * organisation, and its balances across contracts are summed from one Query.
   */
  contractBalance: (contractId: string, account: string) => ({ pk: `CTR#${contractId}`, sk: `BAL#${account}` }),
  balancesOfOrg: (orgId: string, accountKind: string, contractId: string) => ({
    gsi2pk: `ORG#${orgId}#BALANCES`,
    gsi2sk: `${accountKind}#${contractId}`,
  }),
  /**
   * An organisation's totals per account, in shards (by contract) so concurrent money moves of its
   * contracts rarely meet on one item; kept by the transactions that post the entries.
   */
  accountTotals: (orgId: string, shard: number) => ({ pk: `ORG#${orgId}#TOTALS`, sk: `SHARD#${shard}` }),
  dispute: (disputeId: string) => ({ pk: `DSP#${disputeId}`, sk: '#DSP' }),
  disputesByStatus: (status: string, disputeId: string) => ({ gsi1pk: `DSPS#STATUS#${status}`, gsi1sk: disputeId }),
  /** Benefit and risk statements, in their contract's partition, by kind and time. */
  shareStatement: (contractId: string, kind: string, statementId: string) => ({ pk: `CTR#${contractId}`, sk: `STM#${kind}#${statementId}` }),
  /**
   * A SUBMITTED milestone has one release timer item; its sparse index entry is
   * keyed by the instant the review window ends, so the auto-release job reads
   * exactly the overdue ones with one range Query (never a Scan).
   */
  releaseTimer: (contractId: string, n: number) => ({ pk: `CTR#${contractId}`, sk: `TIMER#RELEASE#${String(n).padStart(4, '0')}` }),
  releaseTimersDue: (dueAt: string, contractId: string, n: number) => ({
    gsi3pk: 'TIMERS#RELEASE',
    gsi3sk: `${dueAt}#${contractId}#${String(n).padStart(4, '0')}`,
  }),
  /**
   * A milestone of an ACTIVE contract with a due date has up to two due timers
   * (`REMIND` three days before, `OVERDUE` just after the due instant); their sparse
   * index entries sort by when they fire, so the scheduled job reads exactly
   * the ones due with one range Query.
   */
  dueTimer: (contractId: string, n: number, kind: string) => ({ pk: `CTR#${contractId}`, sk: `TIMER#DUE#${String(n).padStart(4, '0')}#${kind}` }),
  dueTimersDue: (fireAt: string, contractId: string, n: number, kind: string) => ({
    gsi3pk: 'TIMERS#DUE',
    gsi3sk: `${fireAt}#${contractId}#${String(n).padStart(4, '0')}#${kind}`,
  }),
  /** Change orders live in their contract's partition; ULID sort keys make "newest first" a reverse Query. */
  changeOrder: (contractId: string, changeId: string) => ({ pk: `CTR#${contractId}`, sk: `CHG#${changeId}` }),
  /** Idempotency keys are scoped to the caller, so two users can never collide on a key. */
  idempotency: (scope: string, key: string) => ({ pk: `IDEM#${scope}#${key}`, sk: '#IDEM' }),

  // ── Talent mutual employment (人才互聘) ──
  appointment: (appointmentId: string) => ({ pk: `APT#${appointmentId}`, sk: '#APT' }),
  /** An organisation's appointments: the enterprise side on gsi1, the college side on gsi2 (an organisation is on one side). */
  appointmentsOfEnterprise: (orgId: string, appointmentId: string) => ({ gsi1pk: `ORG#${orgId}#APPTS`, gsi1sk: appointmentId }),
  appointmentsOfCollege: (orgId: string, appointmentId: string) => ({ gsi2pk: `ORG#${orgId}#APPTS`, gsi2sk: appointmentId }),
  appointmentsOfCluster: (cluster: string, appointmentId: string) => ({ gsi3pk: `APPTS#CLUSTER#${cluster}`, gsi3sk: appointmentId }),
  /** Sparse: only ACTIVE appointments carry it, by the instant their period is over. */
  appointmentsEnding: (endsAt: string, appointmentId: string) => ({ gsi4pk: 'TIMERS#APPOINTMENTS', gsi4sk: `${endsAt}#${appointmentId}` }),

  // ── Shared resources and their bookings ──
  resource: (resourceId: string) => ({ pk: `RES#${resourceId}`, sk: '#RES' }),
  allResources: (resourceId: string) => ({ gsi1pk: 'RESS', gsi1sk: resourceId }),
  resourcesOfCluster: (cluster: string, resourceId: string) => ({ gsi2pk: `RESS#CLUSTER#${cluster}`, gsi2sk: resourceId }),
  resourcesOfOrg: (orgId: string, resourceId: string) => ({ gsi3pk: `ORG#${orgId}#RESS`, gsi3sk: resourceId }),
  booking: (bookingId: string) => ({ pk: `BKG#${bookingId}`, sk: '#BKG' }),
  bookingsOfResource: (resourceId: string, bookingId: string) => ({ gsi3pk: `RES#${resourceId}#BOOKINGS`, gsi3sk: bookingId }),
  bookingsOfBooker: (orgId: string, bookingId: string) => ({ gsi1pk: `ORG#${orgId}#BOOKINGS`, gsi1sk: bookingId }),
  bookingsOfOwner: (orgId: string, bookingId: string) => ({ gsi2pk: `ORG#${orgId}#RESBOOKINGS`, gsi2sk: bookingId }),
  /**
   * One item per booked hour (`yyyy-mm-ddTHH`, Asia/Shanghai), put only if
   * absent in the booking's transaction: "no double booking" is a key, not a read.
   */
  bookingSlot: (resourceId: string, slot: string) => ({ pk: `RES#${resourceId}`, sk: `SLOT#${slot}` }),
  /** An attachment; only READY ones are on the index of their parent (a sparse gsi1), newest first. */
  attachment: (attachmentId: string) => ({ pk: `ATT#${attachmentId}`, sk: '#ATT' }),
  attachmentsOfParent: (parentKey: string, attachmentId: string) => ({ gsi1pk: `ATTS#${parentKey}`, gsi1sk: attachmentId }),
  /**
   * Attachments of a contract's milestones or messages share one partition per
   * contract and kind, sorted by milestone or message first, so the contract
   * page reads all of one kind with one Query and one parent's with begins_with.
   */
  attachmentsOfContract: (kind: 'MILESTONE' | 'MESSAGE', contractId: string, within: string, attachmentId: string) => ({
    gsi1pk: `ATTS#${kind}:${contractId}`,
    gsi1sk: `${within}#${attachmentId}`,
  }),

  audit: (entity: EntityRef, auditId: string) => ({ pk: `AUDIT#${entityRefKey(entity)}`, sk: auditId }),
  inbox: (recipient: Recipient, notificationId: string) => ({ pk: `INBOX#${inboxName(recipient)}`, sk: notificationId }),
  /**
   * What one user has read of one inbox: the id of the newest notification seen
   * (ids sort by time, so "unread" is the inbox range after it). It lives in the
   * user's partition, so members sharing an inbox each have their own.
   */
  inboxReadMarker: (sub: string, recipient: Recipient) => ({ pk: `USER#${sub}`, sk: `#INBOX_READ#${inboxName(recipient)}` }),

  // ── Organisation profiles, credit codes, affiliations, member invitations ──
  /** A studio's organisation item is indexed under the college it names, so "the college's studios" is a Query. */
  studiosOfCollege: (collegeId: string, studioOrgId: string) => ({ gsi3pk: `ORG#${collegeId}#STUDIOS`, gsi3sk: studioOrgId }),
  /** One item per unified social credit code: registering a code someone holds already fails its put (uniqueness is a key). */
  creditCode: (code: string) => ({ pk: `USCC#${code}`, sk: '#USCC' }),
  memberInvitation: (invitationId: string) => ({ pk: `MINV#${invitationId}`, sk: '#MINV' }),
  memberInvitationsOfOrg: (orgId: string, invitationId: string) => ({ gsi1pk: `ORG#${orgId}#MINVS`, gsi1sk: invitationId }),
  // ── Reviews and reputation ──
  /**
   * One review per side of a contract, in the contract's partition: the key is
   * the "once per party" guarantee (a second put fails its condition).
   */
  review: (contractId: string, authorOrgId: string) => ({ pk: `CTR#${contractId}`, sk: `REVIEW#${authorOrgId}` }),
  /** Published reviews of an organisation, newest first (sparse: sealed reviews have no entry). */
  reviewsOfOrg: (subjectOrgId: string, publishedAt: string, reviewId: string) => ({ gsi1pk: `ORG#${subjectOrgId}#REVIEWS`, gsi1sk: `${publishedAt}#${reviewId}` }),
  /** A review by its id (reply, hide): the index gives its key, then it is read by key. */
  reviewById: (reviewId: string) => ({ gsi2pk: `REVIEW#${reviewId}`, gsi2sk: '#' }),
  /** An organisation's rating sums (count and each aspect), moved by ADD when a review is published or hidden. */
  ratingTotals: (orgId: string) => ({ pk: `ORG#${orgId}`, sk: '#RATINGS' }),
  /** A studio's track record: how many of its contracts are ACTIVE or COMPLETED, moved by ADD when one starts or stops counting. */
  trackRecord: (orgId: string) => ({ pk: `ORG#${orgId}`, sk: '#TRACK' }),
  /** A contract with a lone sealed review has one timer; its sparse index entry sorts by the end of the review window. */
  reviewTimer: (contractId: string) => ({ pk: `CTR#${contractId}`, sk: 'TIMER#REVIEWS' }),
  reviewTimersDue: (dueAt: string, contractId: string) => ({ gsi3pk: 'TIMERS#REVIEWS', gsi3sk: `${dueAt}#${contractId}` }),

  // ── Invitations to bid ──
  invitation: (invitationId: string) => ({ pk: `INV#${invitationId}`, sk: '#INV' }),
  invitationsOfStudio: (studioOrgId: string, invitationId: string) => ({ gsi1pk: `ORG#${studioOrgId}#INVITATIONS`, gsi1sk: invitationId }),
  invitationsOfRequest: (requestId: string, invitationId: string) => ({ gsi2pk: `REQ#${requestId}#INVITATIONS`, gsi2sk: invitationId }),
  /** "One invitation per studio per request" as a key, in the request's partition; it names the invitation. */
  invitedStudio: (requestId: string, studioOrgId: string) => ({ pk: `REQ#${requestId}`, sk: `INVITED#${studioOrgId}` }),

  // ── Technology contract registration and statement periods ──
  /** One registration entry per ACTIVE-or-later contract, indexed by activation instant under its cluster and its college. */
  registration: (contractId: string) => ({ pk: `CTR#${contractId}`, sk: '#REGISTRATION' }),
  registrationsOfCluster: (cluster: string, activatedAt: string, contractId: string) => ({ gsi1pk: `REGS#CLUSTER#${cluster}`, gsi1sk: `${activatedAt}#${contractId}` }),
  registrationsOfCollege: (collegeOrgId: string, activatedAt: string, contractId: string) => ({ gsi2pk: `REGS#COLLEGE#${collegeOrgId}`, gsi2sk: `${activatedAt}#${contractId}` }),
  /** A contract's statements of one year (both kinds), oldest first: the distribution statement of that year. */
  statementsOfYear: (contractId: string, year: number, statementId: string) => ({ gsi1pk: `CTR#${contractId}#STMYEAR#${year}`, gsi1sk: statementId }),
  /** Totals of a contract's statements of one year (ADD in the statement's transaction): the summary is one Query. */
  statementYearTotals: (contractId: string, year: number) => ({ pk: `CTR#${contractId}`, sk: `STMYEAR#${year}` }),
  // ── People, participation and student records (education outcomes) ──
  person: (personId: string) => ({ pk: `PERSON#${personId}`, sk: '#PERSON' }),
  /** An organisation's roster, newest first. */
  peopleOfOrg: (orgId: string, personId: string) => ({ gsi1pk: `ORG#${orgId}#PEOPLE`, gsi1sk: personId }),
  /** One participation entry per student per milestone, in the contract's partition (the key makes it one). */
  participation: (contractId: string, n: number, personId: string) => ({ pk: `CTR#${contractId}`, sk: `PART#${String(n).padStart(4, '0')}#${personId}` }),
  /** One record per student per contract, in the contract's partition: issuing twice is a put-if-absent that fails. */
  studentRecord: (contractId: string, personId: string) => ({ pk: `CTR#${contractId}`, sk: `SREC#${personId}` }),
  studentRecordsOfPerson: (personId: string, recordId: string) => ({ gsi1pk: `PERSON#${personId}#RECORDS`, gsi1sk: recordId }),
  studentRecordsOfCollege: (collegeOrgId: string, recordId: string) => ({ gsi2pk: `ORG#${collegeOrgId}#STUDENT_RECORDS`, gsi2sk: recordId }),
  studentRecordById: (recordId: string) => ({ gsi3pk: `SREC#${recordId}`, gsi3sk: '#' }),
  // ── Subsidy programmes and college overhead ──
  programme: (programmeId: string) => ({ pk: `PROG#${programmeId}`, sk: '#PROG' }),
  allProgrammes: (programmeId: string) => ({ gsi1pk: 'PROGRAMMES', gsi1sk: programmeId }),
  programmeApplication: (applicationId: string) => ({ pk: `PAPP#${applicationId}`, sk: '#PAPP' }),
  applicationsOfProgramme: (programmeId: string, applicationId: string) => ({ gsi1pk: `PROG#${programmeId}#APPS`, gsi1sk: applicationId }),
  applicationsOfApplicant: (orgId: string, programmeId: string, applicationId: string) => ({ gsi2pk: `ORG#${orgId}#PROG#${programmeId}#APPS`, gsi2sk: applicationId }),
  /** "One application per contract per programme" as a key, in the programme's partition. */
  appliedContract: (programmeId: string, contractId: string) => ({ pk: `PROG#${programmeId}`, sk: `APPLIED#${contractId}` }),
  /** A college's overhead rate in force, and one item per version (history, newest first). */
  overheadRate: (collegeOrgId: string) => ({ pk: `ORG#${collegeOrgId}`, sk: 'OVERHEAD' }),
  overheadVersion: (collegeOrgId: string, version: number) => ({ pk: `ORG#${collegeOrgId}`, sk: `OVERHEAD#${String(version).padStart(8, '0')}` }),
} as const;

/** An organisation's inbox is named by its id; the associations share one. */
function inboxName(recipient: Recipient): string {
  return 'orgId' in recipient ? recipient.orgId : 'ASSOCIATIONS';
}

export const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'expiresAt'] as const;

/** Drops the physical key attributes so only the entity's own fields remain. */
export function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete rest[attribute];
  return rest;
}
