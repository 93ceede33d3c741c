import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { membershipSchema, organisationSchema } from './organisation.js';
import { AFFILIATION_STATUSES, MEMBER_ROLES, ORG_STATUSES, ORG_TYPES, readStoredMembership, readStoredOrganisation } from './organisation-record.js';

/** A value that may be wrong for any field: what a corrupted or foreign item could hold. */
const strayValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.oneof(fc.string(), fc.integer())),
  fc.dictionary(fc.string(), fc.string()),
);

/**
 * Items close to valid: every field drawn from its valid values (which include
 * near misses), then at most two fields replaced by a stray value or removed,
 * plus attributes no schema knows. Half of them are valid, so both verdicts and
 * the returned values are compared often.
 */
const itemOf = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc
    .tuple(
      fc.record(fields),
      fc.array(fc.tuple(fc.constantFrom(...Object.keys(fields)), fc.option(strayValue, { nil: 'removed' as const })), { maxLength: 2 }),
      fc.dictionary(fc.string().map((key) => `extra_${key}`), fc.string(), { maxKeys: 2 }),
    )
    .map(([valid, strays, extra]) => {
      const item: Record<string, unknown> = { ...extra, ...valid };
      for (const [name, stray] of strays) {
        if (stray === 'removed') delete item[name];
        else item[name] = stray;
      }
      return item;
    });

const text = fc.string();
const optionalText = fc.option(text, { nil: undefined });

const organisationItems = itemOf({
  id: text,
  type: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...ORG_TYPES) }, fc.constant('UNIVERSITY')),
  name: text,
  status: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...ORG_STATUSES) }, fc.constant('verified')),
  cluster: optionalText,
  collegeId: optionalText,
  capabilities: fc.array(fc.oneof({ weight: 19, arbitrary: text }, fc.integer())),
  statusReason: optionalText,
  creditCode: optionalText,
  description: optionalText,
  contact: fc.option(itemOf({ person: optionalText, phone: optionalText, email: optionalText }), { nil: undefined }),
  address: optionalText,
  affiliation: fc.constantFrom(...AFFILIATION_STATUSES, undefined),
  affiliationReason: optionalText,
  createdAt: text,
  updatedAt: text,
  version: fc.oneof({ weight: 9, arbitrary: fc.integer() }, fc.constant(2 ** 53), fc.constant(1.5), fc.constant(Number.NaN), fc.constant(-0)),
});

const membershipItems = itemOf({
  sub: text,
  orgId: text,
  role: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...MEMBER_ROLES) }, fc.constant('ADMIN')),
  displayName: optionalText,
  joinedAt: text,
});

/** The reader's verdict and value next to the schema's, for one item. */
function agrees(read: (item: unknown) => unknown, schema: { safeParse(item: unknown): { success: boolean; data?: unknown } }, item: unknown) {
  const parsed = schema.safeParse(item);
  let value: unknown;
  let accepted = true;
  try {
    value = read(item);
  } catch {
    accepted = false;
  }
  expect(accepted).toBe(parsed.success);
  if (parsed.success) expect(value).toStrictEqual(parsed.data);
}

describe('the stored-principal readers (authentication without zod)', () => {
  it('accept exactly the organisations organisationSchema accepts, and return what it returns', () => {
    fc.assert(fc.property(organisationItems, (item) => agrees(readStoredOrganisation, organisationSchema, item)), { numRuns: 3_000 });
  });

  it('accept exactly the memberships membershipSchema accepts, and return what it returns', () => {
    fc.assert(fc.property(membershipItems, (item) => agrees(readStoredMembership, membershipSchema, item)), { numRuns: 2_000 });
  });

  it('refuse what is not an object, naming the attribute that is wrong', () => {
    for (const item of [null, 'org', 3, []]) expect(() => readStoredOrganisation(item)).toThrow('The stored item is not an object.');
    const valid = { id: 'org_1', type: 'STUDIO', name: '模具工作室', status: 'VERIFIED', capabilities: ['CNC'], createdAt: 't', updatedAt: 't', version: 1 };
    expect(readStoredOrganisation({ ...valid, pk: 'ORG#org_1' })).toStrictEqual(valid);
    expect(() => readStoredOrganisation({ ...valid, capabilities: ['CNC', 7] })).toThrow("The stored item's capabilities.1 is not valid.");
    expect(() => readStoredOrganisation({ ...valid, contact: { phone: 1 } })).toThrow("The stored item's contact.phone is not valid.");
    expect(() => readStoredMembership({ sub: 's', orgId: 'o', role: 'OWNER' })).toThrow("The stored item's joinedAt is not valid.");
  });
});
