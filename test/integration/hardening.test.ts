import { describe, expect, it } from 'vitest';
import { startTestApi } from '../support/harness.js';
import { activeContract, key, milestonePath, moneyConsortium } from '../support/money.js';

const api = await startTestApi();
const parties = await moneyConsortium(api);
const { enterprise } = parties;

describe('inputs that once reached the database unchecked', () => {
  it('refuses a cursor of one list on another list of the same partition with 400', async () => {
    const contractId = await activeContract(api, parties, { milestones: [10_000, 20_000] });
    for (const n of [1, 2]) expect((await enterprise.caller.post(milestonePath(contractId, n, 'fund'), {}, key())).status).toBe(200);
    const ledger = await enterprise.caller.get(`/v1/contracts/${contractId}/ledger?limit=1`);
    expect(ledger.body.nextCursor).toEqual(expect.any(String));

    const borrowed = await enterprise.caller.get(`/v1/contracts/${contractId}/benefits?cursor=${encodeURIComponent(ledger.body.nextCursor)}`);
    expect(borrowed.status).toBe(400);
    expect(borrowed.body.error.code).toBe('INVALID_CURSOR');
    // The cursor still works where it came from.
    expect((await enterprise.caller.get(`/v1/contracts/${contractId}/ledger?limit=1&cursor=${encodeURIComponent(ledger.body.nextCursor)}`)).status).toBe(200);
  });

  it('answers a page path with an absurd id with a 404 page, not a database error', async () => {
    const cookie = `st_session=${enterprise.caller.token}`;
    for (const path of [`/contracts/${'x'.repeat(2100)}`, '/contracts/ctr_not-an-id', `/requests/${'r'.repeat(3000)}`]) {
      const response = await fetch(`${api.baseUrl}${path}`, { headers: { cookie } });
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type')).toContain('text/html');
    }
  });
});
