import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { formatMoney, overheadSplit, shanghaiPeriod, splitAllocation, subsidyShare, WHOLE_BPS, yuan } from '@sharedtech/core';
import { bidBody, evenShares } from '../support/bids.js';
import { openRequest, organisation } from '../support/fixtures.js';
import { startTestApi, type Caller } from '../support/harness.js';
import { fen, key, ledgerOf, milestonePath, moneyConsortium } from '../support/money.js';
import { pageClient } from '../support/pages.js';

/**
 * Issue 13 acceptance, all five parts at once, through the JSON API against
 * DynamoDB Local and the pages over HTTP: a three-enterprise pool under a
 * government programme, its studio under a college overhead rate; funding by
 * parts with the programme's grant, a release, a SPLIT dispute, termination
 * (the programme gets its unspent reservation back) and a yearly statement.
 * Every figure on the contract, programme, accounts and distribution pages
 * equals the ledger (¥ with two decimals).
 */
const api = await startTestApi();
const CLUSTER = 'smart-manufacturing';
const parties = await moneyConsortium(api);
const { moderator, studio, college, government } = parties;
const owner = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: CLUSTER, name: '精工机械有限公司' });
const memberA = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: CLUSTER, name: '甲方, "联合" 制造厂' });
const memberB = await organisation(api, moderator, { type: 'ENTERPRISE', cluster: CLUSTER, name: '乙方精密部件' });
const members = [owner, memberA, memberB];
const page = pageClient(api);

const M = [100_001, 77_777, 55_555];
const OVERHEAD_BPS = 1_500;
const GRANT_BPS = 2_500;
const STUDIO_BPS = 4_000;
const BUDGET = 1_000_000;
const YEAR = shanghaiPeriod(api.clock()).year;

const ok = <T extends { status: number; body: any }>(response: T, status = 200) => {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  return response.body;
};
const day = (offsetDays: number) => new Date(api.clock().getTime() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
const money = (amount: number) => formatMoney({ amount, currency: 'CNY' });
const html = async (caller: Caller, path: string) => {
  const response = await page(caller.token, path);
  expect(response.status, `${path}: ${response.body.slice(0, 300)}`).toBe(200);
  return response.body;
};
/** The text of the first element after `marker` (an attribute) up to its closing tag, tags stripped. */
const textAfter = (body: string, marker: string, tag = 'dd') => {
  const at = body.indexOf(marker);
  expect(at, `${marker} on the page`).toBeGreaterThanOrEqual(0);
  const open = body.indexOf(`<${tag}`, at);
  const close = body.indexOf(`</${tag}>`, open);
  return body.slice(body.indexOf('>', open) + 1, close).replace(/<[^>]+>/g, '').trim();
};
const attrText = (body: string, marker: string) => {
  const at = body.indexOf(marker);
  expect(at, `${marker} on the page`).toBeGreaterThanOrEqual(0);
  const start = body.indexOf('>', at) + 1;
  return body.slice(start, body.indexOf('<', start)).trim();
};

let contractId: string;
let programmeId: string;
let grantReserved: number;

const ledger = () => ledgerOf(owner.caller, contractId);
/** The programme's figures as the ledger gives them: paid is the government's net subsidy. */
const ledgerFigures = async (returned: boolean) => {
  const paid = -(await ledger()).balance(`external:${government.orgId}`);
  const committed = returned ? paid : grantReserved;
  return { budget: BUDGET, reserved: committed - paid, paid, remaining: BUDGET - committed };
};
/**
 * Each member funds its part; before it does, the contract page offers it exactly
 * the part the FUND entry then posts (after the grant, cumulative over the pool).
 */
const fundByParts = async (n: number) => {
  const offered = new Map<string, string>();
  for (const member of [memberA, memberB, owner]) {
    const contractPage = await html(member.caller, `/contracts/${contractId}?lang=en`);
    const button = /Fund our part (-?¥[\d,]+\.\d\d)/.exec(contractPage.slice(contractPage.indexOf(`id="milestone-${n}"`)));
    expect(button, `${member.orgId} is offered its part of milestone ${n}`).not.toBeNull();
    offered.set(member.orgId, button![1]!);
    ok(await member.caller.post(milestonePath(contractId, n, 'fund'), {}, key()));
  }
  const funding = ok(await owner.caller.get(`/v1/contracts/${contractId}`)).milestones[n - 1].funding as { orgId: string; amount: number }[];
  for (const member of members) expect(offered.get(member.orgId), `the part offered to ${member.orgId}`).toBe(money(funding.find((share) => share.orgId === member.orgId)!.amount));
};

describe('a pooled contract under a programme and a college overhead, from award to yearly statement', () => {
  it('sets the overhead, publishes the programme, pools three enterprises and awards with a registration type', async () => {
    ok(await api.call('PUT', `/v1/orgs/${college.orgId}/overhead`, college.caller.token, { bps: OVERHEAD_BPS }));
    programmeId = ok(await government.caller.post('/v1/programmes', {
      name: '共性技术攻关资助计划', budget: fen(BUDGET), maxBps: 3_000, clusters: [CLUSTER], opensOn: day(-1), closesOn: day(30),
    }), 201).id;

    const requestId = await openRequest(api, owner.caller, moderator, { cluster: CLUSTER });
    ok(await memberA.caller.post(`/v1/requests/${requestId}/pool/join`, { pledgeBps: 3_000 }));
    ok(await memberB.caller.post(`/v1/requests/${requestId}/pool/join`, { pledgeBps: 2_000 }));
    const bid = ok(await studio.caller.post(`/v1/requests/${requestId}/bids`, {
      ...bidBody(studio.team),
      price: fen(M[0]! + M[1]! + M[2]!),
      milestones: M.map((amount, index) => ({ title: `里程碑 ${index + 1}`, amount: fen(amount), dueInDays: 20 * (index + 1) })),
    }), 201);
    const award = ok(await owner.caller.post(`/v1/requests/${requestId}/award`, {
      bidId: bid.id,
      shares: { ...evenShares(owner.orgId, studio.orgId), ipOwnership: 'LICENSED_TO_COFUNDERS' },
      registration: { contractType: 'DEVELOPMENT', technologyAmount: fen(200_000) },
    }), 201);
    contractId = award.id;
    expect(award.pool.members).toEqual([{ orgId: owner.orgId, bps: 5_000 }, { orgId: memberA.orgId, bps: 3_000 }, { orgId: memberB.orgId, bps: 2_000 }]);

    // The programme's grant on the awarded contract: approval reserves every milestone's subsidy.
    const application = ok(await owner.caller.post(`/v1/programmes/${programmeId}/applications`, { contractId, bps: GRANT_BPS }), 201);
    const approved = ok(await government.caller.post(`/v1/applications/${application.id}/decision`, { decision: 'approve' }, key()));
    grantReserved = M.reduce((sum, amount) => sum + subsidyShare(amount, GRANT_BPS), 0);
    expect(approved.reserved).toBe(grantReserved);

    for (const signer of award.requiredSigners as string[]) {
      const caller = [...members, studio, college, government].find((party) => party.orgId === signer)!.caller;
      ok(await caller.post(`/v1/contracts/${contractId}/sign`));
    }
    const read = ok(await memberB.caller.get(`/v1/contracts/${contractId}`));
    expect(read).toMatchObject({ status: 'ACTIVE', overhead: { collegeOrgId: college.orgId, bps: OVERHEAD_BPS }, grant: { programmeId, bps: GRANT_BPS, reserved: grantReserved } });
  });

  it('funds milestone 1 by parts with the grant, releases it with the overhead split, and the programme equals the ledger', async () => {
    await fundByParts(1);
    const m1 = ok(await owner.caller.get(`/v1/contracts/${contractId}`)).milestones[0];
    const subsidy = subsidyShare(M[0]!, GRANT_BPS);
    expect(m1.funding.find((share: { orgId: string }) => share.orgId === government.orgId).amount).toBe(subsidy);
    ok(await studio.caller.post(milestonePath(contractId, 1, 'submit'), { note: '方案交付' }, key()));
    const released = ok(await owner.caller.post(milestonePath(contractId, 1, 'accept'), {}, key()));
    expect(released.status).toBe('RELEASED');
    const split = overheadSplit(M[0]!, OVERHEAD_BPS);
    const book = await ledger();
    expect(book.balance(`earnings:${studio.orgId}`)).toBe(split.studio);
    expect(book.balance(`earnings:${college.orgId}`)).toBe(split.college);
    expect(ok(await owner.caller.get(`/v1/programmes/${programmeId}`)).figures).toEqual(await ledgerFigures(false));
  });

  it('splits a disputed milestone 2: the studio part under overhead, the rest back to members and the programme by what each paid', async () => {
    await fundByParts(2);
    const funding = ok(await owner.caller.get(`/v1/contracts/${contractId}`)).milestones[1].funding;
    const dispute = ok(await studio.caller.post(milestonePath(contractId, 2, 'dispute'), { reason: '验收标准有分歧' }, key()));
    ok(await moderator.post(`/v1/disputes/${dispute.disputeId}/resolve`, { outcome: 'SPLIT', studioBps: STUDIO_BPS }, key()));
    const expected = splitAllocation(studio.orgId, funding, STUDIO_BPS);
    const book = await ledger();
    const splitEntry = book.items.find((entry) => entry.kind === 'SPLIT')!;
    const posted = (account: string) => splitEntry.postings.find((posting) => posting.account === account)?.amount ?? 0;
    const overhead = overheadSplit(expected.studio.amount, OVERHEAD_BPS);
    expect(posted(`earnings:${studio.orgId}`)).toBe(overhead.studio);
    expect(posted(`earnings:${college.orgId}`)).toBe(overhead.college);
    for (const refund of expected.refunds) expect(posted(`external:${refund.orgId}`)).toBe(refund.amount);
    expect(ok(await owner.caller.get(`/v1/programmes/${programmeId}`)).figures).toEqual(await ledgerFigures(false));
  });

  it('reports a benefit for the year across the pool', async () => {
    const statement = ok(await memberB.caller.post(`/v1/contracts/${contractId}/benefits`, { amount: fen(1_000_003), note: '推广收益，含"试点"', period: { year: YEAR } }), 201);
    const allocated = statement.allocations.reduce((sum: number, part: { amount: { amount: number } }) => sum + part.amount.amount, 0);
    expect(allocated).toBe(1_000_003);
    expect(statement.allocations.map((part: { orgId: string }) => part.orgId)).toEqual(expect.arrayContaining([owner.orgId, memberA.orgId, memberB.orgId, studio.orgId]));
  });

  it('terminates with milestone 3 funded: escrow refunded, the programme gets its unspent reservation back', async () => {
    await fundByParts(3);
    const terminated = ok(await moderator.post(`/v1/contracts/${contractId}/terminate`, { reason: '项目中止' }, key()));
    const book = await ledger();
    expect(book.balance(`escrow:${contractId}`)).toBe(0);
    const figures = await ledgerFigures(true);
    expect(terminated.grant.returned).toBe(grantReserved - figures.paid);
    expect(ok(await owner.caller.get(`/v1/programmes/${programmeId}`)).figures).toEqual(figures);
    expect(figures.reserved).toBe(0);

    // Each member paid, over all milestones, its share of the enterprise part within one fen.
    const fundEntries = book.items.filter((entry) => entry.kind === 'FUND');
    expect(fundEntries).toHaveLength(3);
    const paidBy = (orgId: string) => -fundEntries.flatMap((entry) => entry.postings).filter((posting) => posting.account === `external:${orgId}`).reduce((sum, posting) => sum + posting.amount, 0);
    const enterprisePart = M.reduce((sum, amount) => sum + amount, 0) - paidBy(government.orgId);
    for (const [member, bps] of [[owner, 5_000], [memberA, 3_000], [memberB, 2_000]] as const) {
      expect(Math.abs(paidBy(member.orgId) * WHOLE_BPS - enterprisePart * bps)).toBeLessThanOrEqual(WHOLE_BPS);
    }
  });

  it('shows on every page exactly the ledger’s figures, ¥ with two decimals', async () => {
    const book = await ledger();
    // The contract page: every balance of the contract.
    for (const locale of ['zh-CN', 'en']) {
      const contractPage = await html(memberA.caller, `/contracts/${contractId}?lang=${locale}`);
      for (const { account, amount } of book.balances) expect(textAfter(contractPage, `data-account="${account}"`), account).toBe(money(amount));
    }
    // The programme page.
    const figures = await ledgerFigures(true);
    for (const locale of ['zh-CN', 'en']) {
      const programmePage = await html(government.caller, `/programmes/${programmeId}?lang=${locale}`);
      for (const [name, amount] of Object.entries(figures)) expect(attrText(programmePage, `data-figure="${name}"`), name).toBe(money(amount));
    }
    // The accounts pages of the studio and the college: totals and the overhead table.
    for (const [party, account] of [[studio, `earnings:${studio.orgId}`], [college, `earnings:${college.orgId}`]] as const) {
      const accounts = await html(party.caller, '/accounts');
      expect(textAfter(accounts, `data-account="${account}"`), account).toBe(money(book.balance(account)));
      const row = accounts.slice(accounts.indexOf(`data-overhead-contract="${contractId}"`));
      expect(attrText(row, 'data-part="studio"')).toBe(money(book.balance(`earnings:${studio.orgId}`)));
      expect(attrText(row, 'data-part="college"')).toBe(money(book.balance(`earnings:${college.orgId}`)));
    }
    // The distribution statement of each member and the studio for the year: paid and received equal the ledger.
    const statements = ok(await owner.caller.get(`/v1/contracts/${contractId}/benefits`)).items as { allocations: { orgId: string; amount: { amount: number } }[] }[];
    for (const party of [...members, studio]) {
      const distribution = await html(owner.caller, `/contracts/${contractId}/distribution?year=${YEAR}&orgId=${party.orgId}`);
      const allocated = statements.flatMap((statement) => statement.allocations).filter((part) => part.orgId === party.orgId).reduce((sum, part) => sum + part.amount.amount, 0);
      expect(attrText(distribution, 'data-total="benefitReported"')).toBe(money(1_000_003));
      expect(attrText(distribution, 'data-total="benefitAllocated"')).toBe(money(allocated));
      expect(attrText(distribution, 'data-total="paid"')).toBe(money(-book.balance(`external:${party.orgId}`)));
      expect(attrText(distribution, 'data-total="received"')).toBe(money(book.balance(`earnings:${party.orgId}`)));
    }
  });

  it('registers the contract with every pool member as a buyer with its credit code, in the record and the CSV', async () => {
    const record = ok(await owner.caller.get(`/v1/contracts/${contractId}/registration`));
    const buyers = record.parties.filter((party: { role: string }) => party.role === 'BUYER');
    const orgs = await Promise.all(members.map(async (member) => ok(await member.caller.get(`/v1/orgs/${member.orgId}`))));
    expect(buyers).toEqual(orgs.map((org) => ({ role: 'BUYER', orgId: org.id, name: org.name, creditCode: org.creditCode })));
    expect(record.parties).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'CO_FUNDER', orgId: government.orgId })]));
    const book = await ledger();
    const sellerEarned = book.balance(`earnings:${studio.orgId}`) + book.balance(`earnings:${college.orgId}`);
    expect(record.technologyIncome.amount).toBeLessThanOrEqual(sellerEarned);

    const response = await fetch(`${api.baseUrl}/v1/registrations.csv?from=${day(-1)}&to=${day(1)}`, { headers: { authorization: `Bearer ${college.caller.token}` } });
    expect(response.status).toBe(200);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parse(text.slice(1), { columns: true }) as Record<string, string>[];
    const row = rows.find((candidate) => candidate['合同编号'] === contractId)!;
    expect(row['委托方（买方）名称']).toBe(orgs.map((org) => org.name).join('；'));
    expect(row['委托方统一社会信用代码']).toBe(orgs.map((org) => org.creditCode).join('；'));
    expect(row['技术性收入（元）']).toBe(yuan(record.technologyIncome.amount));

    // The registration page and the college's list of registrations show every buyer too, in both languages.
    for (const locale of ['zh-CN', 'en']) {
      const registrationPage = await html(owner.caller, `/contracts/${contractId}/registration?lang=${locale}`);
      for (const org of orgs) expect(registrationPage).toContain(org.creditCode);
      const list = await html(college.caller, `/registrations?from=${day(-1)}&to=${day(1)}&lang=${locale}`);
      const row = list.slice(list.indexOf(`data-contract="${contractId}"`), list.indexOf('</tr>', list.indexOf(`data-contract="${contractId}"`)));
      for (const org of orgs) {
        expect(row).toContain(`data-buyer="${org.id}"`);
        expect(row).toContain(org.creditCode);
      }
    }
  });
});
