import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { runScheduledJobs, upgradeDerivedItems, upgradeDerivedItemsIfNeeded } from '@sharedtech/services';
import { keys } from '@sharedtech/data';
import { startTestApi } from '../support/harness.js';
import { consortium, openRequest } from '../support/fixtures.js';
import { placeBid } from '../support/bids.js';

const api = await startTestApi();
const { moderator, enterprise, studio } = await consortium(api);
const { doc, tableName } = api.deps.db;

describe('upgrading data written by an earlier version', () => {
  it('runs once per data version: a table that never had one is upgraded, an upgraded one is not read again', async () => {
    expect(await upgradeDerivedItemsIfNeeded(api.deps)).toMatchObject({ requestsNormalised: 0 });
    expect(await upgradeDerivedItemsIfNeeded(api.deps)).toBeUndefined();
  });

  it('adds deadline timers, capability items and bid index keys, normalises deadlines, and changes nothing the second time', async () => {
    // Prepare: an OPEN request, a verified studio and its bid as the earlier version stored them —
    // a +08:00 deadline, no deadline timer, no capability items, no per-request bid index key.
    const requestId = await openRequest(api, enterprise.caller, moderator);
    const bidId = await placeBid(studio, requestId);
    const stored = (await doc.send(new GetCommand({ TableName: tableName, Key: keys.request(requestId) }))).Item!;
    const deadline = new Date(stored.biddingDeadline);
    const beijing = `${new Date(deadline.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
    await doc.send(new PutCommand({ TableName: tableName, Item: { ...stored, biddingDeadline: beijing } }));
    await doc.send(new DeleteCommand({ TableName: tableName, Key: keys.deadlineTimer(requestId) }));
    await doc.send(new DeleteCommand({ TableName: tableName, Key: keys.studioCapability(studio.orgId, '机器视觉') }));
    await doc.send(new UpdateCommand({ TableName: tableName, Key: keys.bid(bidId), UpdateExpression: 'REMOVE gsi3pk, gsi3sk' }));
    expect((await studio.caller.get(`/v1/requests/${requestId}/bids`)).body.items).toEqual([]);
    expect((await enterprise.caller.get(`/v1/matches?requestId=${requestId}`)).body.items).toEqual([]);

    // Act
    const report = await upgradeDerivedItems(api.deps);

    // Assess
    expect(report).toMatchObject({ requestsNormalised: 1 });
    expect(report.deadlineTimers).toBeGreaterThanOrEqual(1);
    expect(report.studioCapabilities).toBeGreaterThanOrEqual(1);
    expect(report.bidsReindexed).toBeGreaterThanOrEqual(1);
    expect((await enterprise.caller.get(`/v1/requests/${requestId}`)).body.biddingDeadline).toBe(new Date(beijing).toISOString());
    expect((await studio.caller.get(`/v1/requests/${requestId}/bids`)).body.items.map((bid: { id: string }) => bid.id)).toEqual([bidId]);
    expect((await enterprise.caller.get(`/v1/matches?requestId=${requestId}`)).body.items.map((m: { studio: { id: string } }) => m.studio.id)).toContain(studio.orgId);
    expect((await upgradeDerivedItems(api.deps)).requestsNormalised).toBe(0);

    api.clock.advance(deadline.getTime() - api.clock().getTime() + 60_000);
    await runScheduledJobs(api.deps);
    expect((await enterprise.caller.get(`/v1/requests/${requestId}`)).body.status).toBe('CLOSED');
  });

  it('derives search token items for OPEN requests written before search existed, removes strays, and changes nothing the second time', async () => {
    // Prepare: an OPEN request without its token items (as the earlier version stored it),
    // and a closed request with a stray token item.
    const title = '变速箱齿轮啸叫诊断';
    const requestId = await openRequest(api, enterprise.caller, moderator, { title, summary: '需要对变速箱齿轮啸叫进行声学诊断与优化。', tags: ['NVH'] });
    const closedId = await openRequest(api, enterprise.caller, moderator, { title: '齿轮啸叫台架试验', summary: '台架上复现齿轮啸叫并测试改进方案。' });
    expect((await enterprise.caller.post(`/v1/requests/${closedId}/close`, { reason: '内部解决' })).status).toBe(200);
    const tokensOf = async (id: string) =>
      (await doc.send(new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tok)',
        ExpressionAttributeValues: { ':pk': keys.request(id).pk, ':tok': 'TOK#' },
        ConsistentRead: true,
      }))).Items ?? [];
    const written = await tokensOf(requestId);
    expect(written.length).toBeGreaterThan(10);
    for (const item of written) await doc.send(new DeleteCommand({ TableName: tableName, Key: { pk: item.pk, sk: item.sk } }));
    await doc.send(new PutCommand({ TableName: tableName, Item: { ...written[0]!, ...keys.searchToken(closedId, written[0]!.token), requestId: closedId } }));
    const search = async () => (await studio.caller.get(`/v1/requests?q=${encodeURIComponent('齿轮啸叫')}`)).body.items.map((item: { id: string }) => item.id);
    expect(await search()).toEqual([]);

    // Act
    const report = await upgradeDerivedItems(api.deps);

    // Assess: the same items the approval wrote, found again; the stray is gone; a second run writes nothing.
    expect(report.searchReindexed).toBe(2);
    expect((await tokensOf(requestId)).sort((a, b) => a.sk.localeCompare(b.sk))).toEqual(written.sort((a, b) => a.sk.localeCompare(b.sk)));
    expect(await tokensOf(closedId)).toEqual([]);
    expect(await search()).toEqual([requestId]);
    expect((await upgradeDerivedItems(api.deps)).searchReindexed).toBe(0);
  });
});
