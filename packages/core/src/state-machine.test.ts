import { describe, expect, it } from 'vitest';
import { ConflictError } from './errors.js';
import { ORG_STATUSES, VERIFICATION_DECISIONS, organisationLifecycle, type OrgStatus, type VerificationDecision } from './organisation.js';
import { REQUEST_STATUSES, requestLifecycle, type RequestAction, type RequestStatus } from './request.js';
import { defineStateMachine, type StateMachine } from './state-machine.js';

/**
 * The expected lifecycles are written out again here from PRODUCT.md §2 and §4,
 * independently of the tables in the code, so a wrong entry in either shows up.
 * Every (state, action) pair not listed must be refused with 409 INVALID_TRANSITION.
 */
const REQUEST_SPEC: Record<RequestAction, Partial<Record<RequestStatus, RequestStatus>>> = {
  submit: { DRAFT: 'SUBMITTED', REJECTED: 'SUBMITTED' },
  approve: { SUBMITTED: 'OPEN' },
  reject: { SUBMITTED: 'REJECTED' },
  award: { OPEN: 'AWARDED' },
  close: { OPEN: 'CLOSED' },
  cancel: { DRAFT: 'CANCELLED', SUBMITTED: 'CANCELLED', REJECTED: 'CANCELLED', OPEN: 'CANCELLED' },
  suspend: { OPEN: 'SUSPENDED' },
};

const ORGANISATION_SPEC: Record<VerificationDecision, Partial<Record<OrgStatus, OrgStatus>>> = {
  VERIFY: { PENDING: 'VERIFIED', REJECTED: 'VERIFIED', SUSPENDED: 'VERIFIED' },
  REJECT: { PENDING: 'REJECTED' },
  SUSPEND: { PENDING: 'SUSPENDED', VERIFIED: 'SUSPENDED' },
};

function pairs<S extends string, A extends string>(states: readonly S[], spec: Record<A, Partial<Record<S, S>>>) {
  const legal: [S, A, S][] = [];
  const illegal: [S, A][] = [];
  for (const action of Object.keys(spec) as A[]) {
    for (const state of states) {
      const to = spec[action][state];
      if (to) legal.push([state, action, to]);
      else illegal.push([state, action]);
    }
  }
  return { legal, illegal };
}

function expectRefused<S extends string, A extends string>(machine: StateMachine<S, A>, from: S, action: A) {
  let caught: unknown;
  try {
    machine.next(from, action);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConflictError);
  const conflict = caught as ConflictError;
  expect(conflict.status).toBe(409);
  expect(conflict.code).toBe('INVALID_TRANSITION');
  expect(conflict.details).toMatchObject({ entity: machine.entity, action, from });
  expect(machine.can(from, action)).toBe(false);
}

describe('requestLifecycle', () => {
  const { legal, illegal } = pairs(REQUEST_STATUSES, REQUEST_SPEC);

  it('covers every action of the spec and no other', () => {
    // Assess
    expect(Object.keys(requestLifecycle.transitions).sort()).toEqual(Object.keys(REQUEST_SPEC).sort());
    expect(legal).toHaveLength(11);
    expect(illegal).toHaveLength(REQUEST_STATUSES.length * 7 - 11);
  });

  it.each(legal)('%s --%s--> %s', (from, action, to) => {
    // Act / Assess
    expect(requestLifecycle.can(from, action)).toBe(true);
    expect(requestLifecycle.next(from, action)).toBe(to);
  });

  it.each(illegal)('refuses %s --%s--> with 409 INVALID_TRANSITION', (from, action) => {
    expectRefused(requestLifecycle, from, action);
  });

  it('has no way out of AWARDED, CLOSED, CANCELLED or SUSPENDED', () => {
    for (const terminal of ['AWARDED', 'CLOSED', 'CANCELLED', 'SUSPENDED'] as const) {
      for (const action of Object.keys(REQUEST_SPEC) as RequestAction[]) expectRefused(requestLifecycle, terminal, action);
    }
  });
});

describe('organisationLifecycle', () => {
  const { legal, illegal } = pairs(ORG_STATUSES, ORGANISATION_SPEC);

  it('covers exactly the three decisions of an association', () => {
    expect(Object.keys(organisationLifecycle.transitions).sort()).toEqual([...VERIFICATION_DECISIONS].sort());
  });

  it.each(legal)('%s --%s--> %s', (from, action, to) => {
    expect(organisationLifecycle.can(from, action)).toBe(true);
    expect(organisationLifecycle.next(from, action)).toBe(to);
  });

  it.each(illegal)('refuses %s --%s--> with 409 INVALID_TRANSITION', (from, action) => {
    expectRefused(organisationLifecycle, from, action);
  });
});

describe('defineStateMachine', () => {
  it('explains a refusal with the states the action is allowed from', () => {
    // Prepare
    const door = defineStateMachine<'OPEN' | 'SHUT' | 'LOCKED', 'shut' | 'lock'>('door', {
      shut: { from: ['OPEN'], to: 'SHUT' },
      lock: { from: ['SHUT'], to: 'LOCKED' },
    });

    // Act
    const refusal = (() => {
      try {
        door.next('OPEN', 'lock');
      } catch (error) {
        return error as ConflictError;
      }
    })();

    // Assess
    expect(door.next('SHUT', 'lock')).toBe('LOCKED');
    expect(refusal?.message).toBe('Cannot lock a door that is OPEN.');
    expect(refusal?.details).toEqual({ entity: 'door', action: 'lock', from: 'OPEN', allowedFrom: ['SHUT'] });
  });
});
