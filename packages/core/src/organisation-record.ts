/*
 * What authentication needs of organisations and memberships, in a module
 * without zod: every authenticated request reads the caller's membership and
 * the copy of its organisation it carries, and a cold start that had to load
 * zod for that alone spends about 35 ms more before its first answer (the
 * bench's cold start). The readers accept exactly what `membershipSchema` and
 * `organisationSchema` accept and return what they return, unknown attributes
 * dropped; organisation-record.test.ts holds them to that on random items.
 */

export const ORG_TYPES = ['ENTERPRISE', 'STUDIO', 'COLLEGE', 'ASSOCIATION', 'GOVERNMENT'] as const;
export type OrgType = (typeof ORG_TYPES)[number];

export const ORG_STATUSES = ['PENDING', 'VERIFIED', 'REJECTED', 'SUSPENDED'] as const;
export type OrgStatus = (typeof ORG_STATUSES)[number];

export const MEMBER_ROLES = ['OWNER', 'MEMBER'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** A studio's link to the college it names: the college becomes a party to the studio's contracts only once it ACCEPTED. */
export const AFFILIATION_STATUSES = ['PENDING', 'ACCEPTED', 'REJECTED'] as const;
export type AffiliationStatus = (typeof AFFILIATION_STATUSES)[number];

/** Public profile of an organisation (drops the optimistic-lock version). */
export const publicOrganisation = <Org extends { version: number }>({ version: _version, ...org }: Org) => org;

/** Reads one attribute: its value, or throws naming the attribute. */
type Reader = (value: unknown, path: string) => unknown;

const invalid = (path: string): never => {
  throw new Error(`The stored item's ${path} is not valid.`);
};
const text: Reader = (value, path) => (typeof value === 'string' ? value : invalid(path));
const integer: Reader = (value, path) => (Number.isSafeInteger(value) ? value : invalid(path));
const texts: Reader = (value, path) => (Array.isArray(value) ? value.map((item, index) => text(item, `${path}.${index}`)) : invalid(path));
const oneOf =
  (values: readonly string[]): Reader =>
  (value, path) =>
    typeof value === 'string' && values.includes(value) ? value : invalid(path);
const optional =
  (read: Reader): Reader =>
  (value, path) =>
    value === undefined ? undefined : read(value, path);

/** An object of known attributes, the others dropped (as a zod object does). */
const record =
  (fields: Record<string, Reader>): Reader =>
  (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      if (!path) throw new Error('The stored item is not an object.');
      return invalid(path);
    }
    const read: Record<string, unknown> = {};
    for (const [name, readField] of Object.entries(fields)) {
      const attribute = readField((value as Record<string, unknown>)[name], path ? `${path}.${name}` : name);
      if (attribute !== undefined || Object.hasOwn(value, name)) read[name] = attribute;
    }
    return read;
  };

const readOrganisation = record({
  id: text,
  type: oneOf(ORG_TYPES),
  name: text,
  status: oneOf(ORG_STATUSES),
  cluster: optional(text),
  collegeId: optional(text),
  capabilities: texts,
  statusReason: optional(text),
  creditCode: optional(text),
  description: optional(text),
  contact: optional(record({ person: optional(text), phone: optional(text), email: optional(text) })),
  address: optional(text),
  affiliation: optional(oneOf(AFFILIATION_STATUSES)),
  affiliationReason: optional(text),
  createdAt: text,
  updatedAt: text,
  version: integer,
});

const readMembership = record({ sub: text, orgId: text, role: oneOf(MEMBER_ROLES), displayName: optional(text), joinedAt: text });

/*
 * Typed as what they check by the data package (`Organisation` and `Membership`
 * are inferred from the schemas, which this module must not import).
 */

/** A stored organisation (its keys stripped), checked as `organisationSchema` would. */
export const readStoredOrganisation = (item: unknown) => readOrganisation(item, '');

/** A stored membership (its keys and organisation copy stripped), checked as `membershipSchema` would. */
export const readStoredMembership = (item: unknown) => readMembership(item, '');
