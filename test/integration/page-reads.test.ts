import { describe, expect, it } from 'vitest';
import { getRequest, keys, sharingReads } from '@sharedtech/data';
import { startTestApi } from '../support/harness.js';
import { openRequest } from '../support/fixtures.js';
import { activeContract, moneyConsortium } from '../support/money.js';
import { pageClient } from '../support/pages.js';
import { recordDynamoCalls } from '../support/ddb-calls.js';

/**
 * A page calls several use cases, each of which checks the caller against the
 * same request or contract: they share one eventually consistent read of it
 * (forOnePage), while strongly consistent reads and the next page read afresh.
 */
const api = await startTestApi();
const calls = recordDynamoCalls(api.deps.db);
const page = pageClient(api);
const parties = await moneyConsortium(api);
const { enterprise, moderator } = parties;
const contractId = await activeContract(api, parties, { milestones: [100_000, 200_000] });
const requestId = (await enterprise.caller.get(`/v1/contracts/${contractId}`)).body.requestId as string;

/** The reads of one item a page made: [eventually consistent, strongly consistent]. */
const readsOfItem = (key: { pk: string; sk: string }) => {
  const reads = calls.take().filter((call) => call.command === 'GetItemCommand' && call.input.Key.pk === key.pk && call.input.Key.sk === key.sk);
  return [reads.filter((read) => !read.input.ConsistentRead).length, reads.filter((read) => read.input.ConsistentRead).length];
};

describe('one read of the request or contract per page', () => {
  it('the request page reads its request once for the bids, questions, invitations, pool, attachments and matches', async () => {
    const open = await openRequest(api, enterprise.caller, moderator);
    calls.take();
    const shown = await page(enterprise.caller.token, `/requests/${open}`);
    expect(shown.status).toBe(200);
    expect(readsOfItem(keys.request(open))).toEqual([1, 0]);
  });

  it('the contract page reads its contract once for the ledger, statements, messages, changes and files', async () => {
    calls.take();
    const shown = await page(enterprise.caller.token, `/contracts/${contractId}`);
    expect(shown.status).toBe(200);
    expect(readsOfItem(keys.contract(contractId))).toEqual([1, 0]);
  });

  it('shares eventually consistent reads within one page only, and never strongly consistent ones', async () => {
    const onePage = sharingReads(api.deps.db);
    calls.take();
    const [first, second] = await Promise.all([getRequest(onePage, requestId), getRequest(onePage, requestId)]);
    await getRequest(onePage, requestId);
    expect(first).toEqual(second);
    expect(readsOfItem(keys.request(requestId))).toEqual([1, 0]);

    await Promise.all([getRequest(onePage, requestId, true), getRequest(onePage, requestId, true)]);
    await getRequest(sharingReads(api.deps.db), requestId);
    await getRequest(api.deps.db, requestId);
    expect(readsOfItem(keys.request(requestId))).toEqual([2, 2]);
  });
});
