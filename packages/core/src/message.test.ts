import { describe, expect, it } from 'vitest';
import { threadAccess } from './message.js';

const parties = ['org_enterprise', 'org_studio', 'org_college'];

describe('who may use a contract thread', () => {
  it('lets every party write, and nobody else', () => {
    for (const viewerOrgId of parties) expect(threadAccess({ parties, viewerOrgId, isAssociation: false, disputeOpen: false })).toBe('WRITE');
    expect(threadAccess({ parties, viewerOrgId: 'org_rival', isAssociation: false, disputeOpen: true })).toBe('NONE');
    expect(threadAccess({ parties, isAssociation: false, disputeOpen: true })).toBe('NONE');
  });

  it('lets associations read only while a dispute on the contract is open', () => {
    expect(threadAccess({ parties, viewerOrgId: 'org_assoc', isAssociation: true, disputeOpen: true })).toBe('READ');
    expect(threadAccess({ parties, viewerOrgId: 'org_assoc', isAssociation: true, disputeOpen: false })).toBe('NONE');
  });
});
