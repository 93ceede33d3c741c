import type { Hono } from 'hono';
import type { ApiDeps } from './deps.js';

/**
 * A route module's router, mounted under `mount`; it serves the requests whose
 * path after `/v1/` begins with `resource` (one segment, or two where a
 * resource's sub-resource is a module of its own).
 */
export interface RouteModule {
  resource: string;
  /**
   * The sub-resources of one of the resource's items (`/v1/<resource>/{id}/<sub>…`)
   * this module serves; a request for one loads only the modules that claim it.
   * A module that claims none serves the resource itself and whatever sub-resource
   * no module claims.
   */
  subresources?: readonly string[];
  mount: string;
  load: () => Promise<(deps: ApiDeps) => Hono<any, any, any>>;
}

/*
 * Every route module of `/v1`, each imported on first use (`import()`): the
 * deployed bundle is code-split, so a cold start loads and evaluates only the
 * modules of the resource it answers, with their schemas and use cases, and
 * `/health` none at all. The reference document (`/openapi.json`) mounts them
 * all. Several modules may serve one resource; the order is the reference's.
 */
export const ROUTE_MODULES: readonly RouteModule[] = [
  { resource: 'me/export', mount: '/v1/me', load: async () => (await import('./routes/personal-data.js')).personalDataRoutes },
  { resource: 'me', mount: '/v1/me', load: async () => (await import('./routes/me.js')).meRoutes },
  { resource: 'orgs', mount: '/v1/orgs', load: async () => (await import('./routes/organisations.js')).organisationRoutes },
  { resource: 'requests', mount: '/v1/requests', load: async () => (await import('./routes/requests.js')).requestRoutes },
  { resource: 'requests', subresources: ['bids'], mount: '/v1/requests', load: async () => (await import('./routes/bids.js')).requestBidRoutes },
  { resource: 'requests', subresources: ['award'], mount: '/v1/requests', load: async () => (await import('./routes/contracts.js')).awardRoutes },
  { resource: 'requests', subresources: ['questions'], mount: '/v1/requests', load: async () => (await import('./routes/questions.js')).requestQuestionRoutes },
  { resource: 'questions', mount: '/v1/questions', load: async () => (await import('./routes/questions.js')).questionRoutes },
  { resource: 'requests', subresources: ['pool'], mount: '/v1/requests', load: async () => (await import('./routes/pools.js')).requestPoolRoutes },
  { resource: 'bids', mount: '/v1/bids', load: async () => (await import('./routes/bids.js')).bidRoutes },
  { resource: 'contracts', mount: '/v1/contracts', load: async () => (await import('./routes/contracts.js')).contractRoutes },
  { resource: 'contracts', subresources: ['milestones'], mount: '/v1/contracts', load: async () => (await import('./routes/milestones.js')).milestoneRoutes },
  { resource: 'contracts', subresources: ['ledger', 'benefits', 'risks', 'statements'], mount: '/v1/contracts', load: async () => (await import('./routes/ledger.js')).contractLedgerRoutes },
  { resource: 'contracts', subresources: ['messages'], mount: '/v1/contracts', load: async () => (await import('./routes/messages.js')).contractMessageRoutes },
  { resource: 'contracts', subresources: ['changes'], mount: '/v1/contracts', load: async () => (await import('./routes/changes.js')).contractChangeRoutes },
  { resource: 'disputes', mount: '/v1/disputes', load: async () => (await import('./routes/disputes.js')).disputeRoutes },
  { resource: 'accounts', mount: '/v1/accounts', load: async () => (await import('./routes/ledger.js')).accountRoutes },
  { resource: 'stats', mount: '/v1/stats', load: async () => (await import('./routes/insight.js')).statsRoutes },
  { resource: 'matches', mount: '/v1/matches', load: async () => (await import('./routes/insight.js')).matchRoutes },
  { resource: 'audit', mount: '/v1/audit', load: async () => (await import('./routes/audit.js')).auditRoutes },
  { resource: 'notifications', mount: '/v1/notifications', load: async () => (await import('./routes/notifications.js')).notificationRoutes },
  { resource: 'orgs', subresources: ['member-invitations'], mount: '/v1/orgs', load: async () => (await import('./routes/member-invitations.js')).orgMemberInvitationRoutes },
  { resource: 'member-invitations', mount: '/v1/member-invitations', load: async () => (await import('./routes/member-invitations.js')).memberInvitationRoutes },
  { resource: 'colleges', mount: '/v1/colleges', load: async () => (await import('./routes/colleges.js')).collegeRoutes },
  { resource: 'contracts', subresources: ['reviews'], mount: '/v1/contracts', load: async () => (await import('./routes/reviews.js')).contractReviewRoutes },
  { resource: 'orgs', subresources: ['reviews'], mount: '/v1/orgs', load: async () => (await import('./routes/reviews.js')).organisationReviewRoutes },
  { resource: 'reviews', mount: '/v1/reviews', load: async () => (await import('./routes/reviews.js')).reviewRoutes },
  { resource: 'requests', subresources: ['invitations'], mount: '/v1/requests', load: async () => (await import('./routes/invitations.js')).requestInvitationRoutes },
  { resource: 'invitations', mount: '/v1/invitations', load: async () => (await import('./routes/invitations.js')).invitationRoutes },
  { resource: 'appointments', mount: '/v1/appointments', load: async () => (await import('./routes/appointments.js')).appointmentRoutes },
  { resource: 'resources', mount: '/v1/resources', load: async () => (await import('./routes/resources.js')).resourceRoutes },
  { resource: 'attachments', mount: '/v1/attachments', load: async () => (await import('./routes/attachments.js')).attachmentRoutes },
  { resource: 'council', mount: '/v1/council', load: async () => (await import('./routes/council.js')).councilRoutes },
  { resource: 'contracts', subresources: ['registration'], mount: '/v1/contracts', load: async () => (await import('./routes/registrations.js')).contractRegistrationRoutes },
  { resource: 'registrations', mount: '/v1', load: async () => (await import('./routes/registrations.js')).registrationRoutes },
  { resource: 'orgs', subresources: ['people'], mount: '/v1/orgs', load: async () => (await import('./routes/people.js')).orgPeopleRoutes },
  { resource: 'contracts', subresources: ['milestones'], mount: '/v1/contracts', load: async () => (await import('./routes/people.js')).participationRoutes },
  { resource: 'students', mount: '/v1/students', load: async () => (await import('./routes/people.js')).studentRoutes },
  { resource: 'student-records', mount: '/v1/student-records', load: async () => (await import('./routes/people.js')).studentRecordRoutes },
  { resource: 'colleges', mount: '/v1/colleges', load: async () => (await import('./routes/people.js')).collegeEducationRoutes },
  { resource: 'programmes', mount: '/v1/programmes', load: async () => (await import('./routes/programmes.js')).programmeRoutes },
  { resource: 'applications', mount: '/v1/applications', load: async () => (await import('./routes/programmes.js')).applicationRoutes },
  { resource: 'orgs', subresources: ['overhead'], mount: '/v1/orgs', load: async () => (await import('./routes/programmes.js')).overheadRoutes },
];

/** Every resource of the table. */
export const RESOURCES = new Set(ROUTE_MODULES.map((module) => module.resource));

/** The key of a router: a resource, or a sub-resource of its items some module claims (`requests/{id}/bids`). */
const subresourceKey = (resource: string, subresource: string) => `${resource}/*/${subresource}`;
const CLAIMED = new Set(ROUTE_MODULES.flatMap((module) => (module.subresources ?? []).map((sub) => subresourceKey(module.resource, sub))));

/** The router keys a module's routes are served under. */
export const routerKeysOf = (module: RouteModule) =>
  module.subresources ? module.subresources.map((sub) => subresourceKey(module.resource, sub)) : [module.resource];

/**
 * The router a `/v1` path is served by: the claimed sub-resource it addresses
 * (`/v1/requests/req_1/bids` → the router of `requests/{id}/bids`), else its resource.
 */
export function routerKeyOfPath(path: string): string | undefined {
  const resource = resourceOfPath(path);
  if (!resource) return undefined;
  // After `/v1/<resource>`: the item's id, then the sub-resource.
  const [, subresource] = withoutExtension(path).split('/').slice(2 + resource.split('/').length);
  return subresource && CLAIMED.has(subresourceKey(resource, subresource)) ? subresourceKey(resource, subresource) : resource;
}

/** A path without a representation's extension (`/v1/registrations.csv` is the registrations'). */
const withoutExtension = (path: string) => path.replace(/\.csv(?=\/|$)/g, '');

/**
 * The resource of the table a `/v1` path addresses: its first two segments if
 * they are one, else its first, a representation's extension aside
 * (`/v1/registrations.csv` is the registrations').
 */
export function resourceOfPath(path: string): string | undefined {
  const [, , resource, second] = withoutExtension(path).split('/');
  if (!resource) return undefined;
  return second && RESOURCES.has(`${resource}/${second}`) ? `${resource}/${second}` : resource;
}

/** Mounts route modules (already loaded) on a router, in the table's order. */
export async function mountRouteModules(router: Hono<any, any, any>, modules: readonly RouteModule[], deps: ApiDeps) {
  const routes = await Promise.all(modules.map((module) => module.load()));
  modules.forEach((module, index) => router.route(module.mount, routes[index]!(deps)));
}
