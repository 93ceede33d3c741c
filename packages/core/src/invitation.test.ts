import { describe, expect, it } from 'vitest';
import { invitationLifecycle, maySeeInvitation, viewOfInvitation, type Invitation } from './invitation.js';

const invitation: Invitation = {
  id: 'inv_01JD0000000000000000000001',
  requestId: 'req_01JD0000000000000000000001',
  requestTitle: '焊缝检测',
  requestOwnerOrgId: 'org_owner',
  studioOrgId: 'org_studio',
  studioName: '视觉工作室',
  invitedBy: 'boss',
  status: 'PENDING',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  version: 1,
};

describe('invitations to bid', () => {
  it('are declined once, from PENDING only', () => {
    expect(invitationLifecycle.next('PENDING', 'decline')).toBe('DECLINED');
    expect(() => invitationLifecycle.next('DECLINED', 'decline')).toThrow();
  });

  it('are seen by the owner, the invited studio and associations only', () => {
    expect(maySeeInvitation({ orgId: 'org_owner', isAssociation: false }, invitation)).toBe(true);
    expect(maySeeInvitation({ orgId: 'org_studio', isAssociation: false }, invitation)).toBe(true);
    expect(maySeeInvitation({ orgId: 'org_assoc', isAssociation: true }, invitation)).toBe(true);
    expect(maySeeInvitation({ orgId: 'org_rival', isAssociation: false }, invitation)).toBe(false);
    expect(maySeeInvitation({ isAssociation: false }, invitation)).toBe(false);
    expect(viewOfInvitation(invitation)).not.toHaveProperty('version');
  });
});
