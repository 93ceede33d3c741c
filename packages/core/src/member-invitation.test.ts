import { describe, expect, it } from 'vitest';
import { memberInvitationLifecycle, memberInvitationState, parseMemberInvitationCode } from './member-invitation.js';
import { affiliatedCollegeOf, affiliationLifecycle, affiliationOf } from './organisation.js';

describe('member invitations', () => {
  const open = { status: 'OPEN' as const, validUntil: '2026-12-08T00:00:00.000Z' };

  it('is OPEN until its validity ends, then EXPIRED', () => {
    expect(memberInvitationState(open, new Date('2026-12-07T23:59:59.999Z'))).toBe('OPEN');
    expect(memberInvitationState(open, new Date('2026-12-08T00:00:00.000Z'))).toBe('EXPIRED');
    expect(memberInvitationState({ ...open, status: 'ACCEPTED' }, new Date('2027-01-01T00:00:00.000Z'))).toBe('ACCEPTED');
  });

  it('is accepted or revoked once', () => {
    expect(memberInvitationLifecycle.next('OPEN', 'accept')).toBe('ACCEPTED');
    expect(() => memberInvitationLifecycle.next('ACCEPTED', 'accept')).toThrow(/Cannot accept/);
    expect(() => memberInvitationLifecycle.next('REVOKED', 'accept')).toThrow();
    expect(() => memberInvitationLifecycle.next('ACCEPTED', 'revoke')).toThrow();
  });

  it('reads the invitation id and secret from a code, and nothing from anything else', () => {
    const id = 'minv_01JD0000000000000000000001';
    const secret = 'a'.repeat(43);
    expect(parseMemberInvitationCode(` ${id}.${secret} `)).toEqual({ invitationId: id, secret });
    expect(parseMemberInvitationCode(id)).toBeUndefined();
    expect(parseMemberInvitationCode(`${id}.short`)).toBeUndefined();
    expect(parseMemberInvitationCode(`req_01JD0000000000000000000001.${secret}`)).toBeUndefined();
  });
});

describe('affiliation of a studio with its college', () => {
  it('makes the college a party only once it accepted', () => {
    expect(affiliationOf({ collegeId: 'org_c' })).toBe('PENDING');
    expect(affiliatedCollegeOf({ collegeId: 'org_c' })).toBeUndefined();
    expect(affiliatedCollegeOf({ collegeId: 'org_c', affiliation: 'PENDING' })).toBeUndefined();
    expect(affiliatedCollegeOf({ collegeId: 'org_c', affiliation: 'REJECTED' })).toBeUndefined();
    expect(affiliatedCollegeOf({ collegeId: 'org_c', affiliation: 'ACCEPTED' })).toBe('org_c');
    expect(affiliationOf({})).toBeUndefined();
  });

  it('is decided once', () => {
    expect(affiliationLifecycle.next('PENDING', 'ACCEPT')).toBe('ACCEPTED');
    expect(affiliationLifecycle.next('PENDING', 'REJECT')).toBe('REJECTED');
    expect(() => affiliationLifecycle.next('ACCEPTED', 'REJECT')).toThrow();
  });
});
