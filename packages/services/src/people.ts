import {
  ConflictError, ForbiddenError, NotFoundError, ValidationError, assertPersonFits, mayReadRoster, requireMember, teamFromPeople,
  type Membership, type Person, type PersonKind, type Principal, type Team,
} from '@sharedtech/core';
import { deletePerson, getMembership, getOrganisation, getPeople, getPerson, listPeopleOfOrg, writeNewPerson, writePersonChange, type PageRequest } from '@sharedtech/data';
import type { ServiceDeps } from './deps.js';
import { applyChange } from './change.js';

/**
 * An organisation's roster of people (teachers, students, engineers). Members
 * of the organisation keep it; its college (for a studio) or its studios (for
 * a college) read it; nobody else sees it: names, programmes and years are
 * personal data.
 */

export interface PersonInput {
  kind: PersonKind;
  name: string;
  programme?: string;
  year?: number;
  title?: string;
  memberSub?: string;
}

export const viewOfPerson = ({ version: _version, ...person }: Person) => person;

const rosterNotFound = (orgId: string) => new NotFoundError('Organisation', orgId);

/** The roster's organisation, if the caller may read it (404 for anyone else: a roster's existence is not public either). */
async function readableRoster(deps: ServiceDeps, principal: Principal, orgId: string) {
  const org = await getOrganisation(deps.db, orgId);
  if (!org || !mayReadRoster(principal.org, org)) throw rosterNotFound(orgId);
  return org;
}

/** Only members of the organisation change its roster. */
async function writableRoster(deps: ServiceDeps, principal: Principal, orgId: string) {
  const acting = requireMember(principal);
  const org = await readableRoster(deps, principal, orgId);
  if (acting.org.id !== org.id) throw new ForbiddenError('NOT_A_MEMBER', 'Only members of this organisation keep its roster.');
  return org;
}

/** The membership of the member a person is linked to, if one is named (read alongside the roster). */
const membershipOf = (deps: ServiceDeps, sub: string | null | undefined) => (sub ? getMembership(deps.db, sub) : undefined);

function assertMemberOf(orgId: string, sub: string | null | undefined, membership: Membership | undefined) {
  if (!sub) return;
  if (!membership || membership.orgId !== orgId) throw ValidationError.field('memberSub', 'Not a member of this organisation.', 'NOT_A_MEMBER');
}

const personChanged = () => new ConflictError('CONCURRENT_UPDATE', 'The person was changed meanwhile; reload and try again.');

export async function addPerson(deps: ServiceDeps, principal: Principal, orgId: string, input: PersonInput) {
  const [org, membership] = await Promise.all([writableRoster(deps, principal, orgId), membershipOf(deps, input.memberSub)]);
  assertPersonFits(org.type, input);
  assertMemberOf(org.id, input.memberSub, membership);
  const now = deps.clock().toISOString();
  const person: Person = { id: deps.ids('person'), orgId: org.id, ...input, createdAt: now, updatedAt: now, version: 1 };
  await applyChange(deps, principal, {
    writes: [writeNewPerson(deps.db, person)],
    transitions: [{ entity: { type: 'person', id: person.id }, action: 'add', after: person.kind, details: { orgId: org.id }, creates: true }],
  });
  return viewOfPerson(person);
}

export async function listPeople(deps: ServiceDeps, principal: Principal, orgId: string, query: PageRequest & { kind?: PersonKind }) {
  const org = await readableRoster(deps, principal, orgId);
  const page = await listPeopleOfOrg(deps.db, org.id, query.kind, { limit: query.limit, cursor: query.cursor });
  return { items: page.items.map(viewOfPerson), nextCursor: page.nextCursor };
}

async function rosterPerson(deps: ServiceDeps, principal: Principal, orgId: string, personId: string) {
  const [org, person] = await Promise.all([writableRoster(deps, principal, orgId), getPerson(deps.db, personId, true)]);
  if (!person || person.orgId !== org.id) throw new NotFoundError('Person', personId);
  return { org, person };
}

export async function getRosterPerson(deps: ServiceDeps, principal: Principal, orgId: string, personId: string) {
  const [org, person] = await Promise.all([readableRoster(deps, principal, orgId), getPerson(deps.db, personId)]);
  if (!person || person.orgId !== org.id) throw new NotFoundError('Person', personId);
  return viewOfPerson(person);
}

export async function updatePerson(
  deps: ServiceDeps,
  principal: Principal,
  orgId: string,
  personId: string,
  patch: Partial<Omit<PersonInput, 'kind' | 'memberSub'>> & { memberSub?: string | null },
) {
  const { memberSub, ...rest } = patch;
  const [{ org, person }, membership] = await Promise.all([rosterPerson(deps, principal, orgId, personId), membershipOf(deps, memberSub)]);
  const next: Person = { ...person, ...rest, updatedAt: deps.clock().toISOString(), version: person.version + 1 };
  if (memberSub === null) delete next.memberSub;
  else if (memberSub !== undefined) next.memberSub = memberSub;
  assertPersonFits(org.type, next);
  assertMemberOf(org.id, memberSub, membership);
  await applyChange(deps, principal, {
    writes: [writePersonChange(deps.db, next, personChanged)],
    transitions: [{ entity: { type: 'person', id: person.id }, action: 'edit', before: person.kind, after: next.kind, details: { fields: Object.keys(patch) } }],
  });
  return viewOfPerson(next);
}

/** Removes a person from the roster; teams and records that named them keep their copy. */
export async function removePerson(deps: ServiceDeps, principal: Principal, orgId: string, personId: string) {
  const { person } = await rosterPerson(deps, principal, orgId, personId);
  await applyChange(deps, principal, {
    writes: [deletePerson(deps.db, person, personChanged)],
    transitions: [{ entity: { type: 'person', id: person.id }, action: 'remove', before: person.kind }],
  });
}

/**
 * The team a bid names, from roster ids: people of the studio's or its
 * college's roster, each once, at least one teacher.
 */
export async function resolveTeam(deps: ServiceDeps, studio: { id: string; collegeId?: string }, team: { personIds: string[] }): Promise<Team> {
  const allowed = [studio.id, ...(studio.collegeId ? [studio.collegeId] : [])];
  return teamFromPeople(team.personIds, await getPeople(deps.db, team.personIds, true), allowed);
}
