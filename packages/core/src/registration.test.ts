import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Contract } from './contract.js';
import { ValidationError } from './errors.js';
import { assertRegistration, registrationOf, registrationPartyIds, technologyIncome, yuan } from './registration.js';
import { TECH_CONTRACT_TYPE_LABELS, TECH_CONTRACT_TYPES } from './tech-contract-type.js';

const price = { amount: 9_000_000, currency: 'CNY' as const };

describe('technology contract registration', () => {
  it('names the five statutory types in both languages', () => {
    expect(TECH_CONTRACT_TYPES.map((type) => TECH_CONTRACT_TYPE_LABELS[type]['zh-CN'])).toEqual(['技术开发', '技术转让', '技术许可', '技术咨询', '技术服务']);
    for (const type of TECH_CONTRACT_TYPES) expect(TECH_CONTRACT_TYPE_LABELS[type].en).toMatch(/^Technology /);
  });

  it('takes a technology transaction amount above zero and at most the price, naming the field otherwise', () => {
    expect(() => assertRegistration({ contractType: 'DEVELOPMENT', technologyAmount: price }, price)).not.toThrow();
    for (const amount of [0, -1, price.amount + 1]) {
      try {
        assertRegistration({ contractType: 'SERVICE', technologyAmount: { amount, currency: 'CNY' } }, price);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).details).toMatchObject({ issues: [{ path: 'registration.technologyAmount.amount', code: 'TECH_AMOUNT_RANGE' }] });
      }
    }
  });

  it('counts the technology part of what was earned, exactly, rounded half up and never above the earnings', () => {
    expect(technologyIncome(3_000_000, 7_500_000, 9_000_000)).toBe(2_500_000);
    expect(technologyIncome(1, 1, 2)).toBe(1); // half a fen rounds up
    expect(technologyIncome(0, 100, 100)).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e11 }), fc.integer({ min: 0, max: 1e11 }), fc.integer({ min: 1, max: 1e11 }), (priceFen, earned, tech) => {
        const income = technologyIncome(Math.min(earned, priceFen), Math.min(tech, priceFen), priceFen);
        const exact = (Math.min(earned, priceFen) * Math.min(tech, priceFen)) / priceFen;
        return income >= 0 && income <= Math.min(earned, priceFen) && Math.abs(income - exact) <= 0.5 + 1e-6;
      }),
    );
  });

  it('writes yuan with two decimals for spreadsheets', () => {
    expect([yuan(0), yuan(5), yuan(123_456), yuan(-1_050)]).toEqual(['0.00', '0.05', '1234.56', '-10.50']);
  });

  it('builds the record from the contract, its parties and Shanghai dates', () => {
    const contract = {
      id: 'ctr_1', title: '视觉检测', cluster: 'smart-manufacturing', status: 'ACTIVE', price, enterpriseOrgId: 'org_E', studioOrgId: 'org_S', collegeOrgId: 'org_C',
      signatures: [{ orgId: 'org_E', sub: 'a', at: '2026-03-01T15:30:00.000Z' }, { orgId: 'org_S', sub: 'b', at: '2026-03-01T16:30:00.000Z' }],
      activatedAt: '2026-03-01T16:30:00.000Z', shares: { benefitShares: [], riskShares: [], ipOwnership: 'COLLEGE' },
      registration: { contractType: 'LICENSING', technologyAmount: { amount: 4_500_000, currency: 'CNY' } },
    } as unknown as Contract;
    const orgs = new Map([['org_E', { name: '精工', creditCode: '91440300MA5ABCDE1X' }], ['org_S', { name: '工作室' }], ['org_C', { name: '学院', creditCode: '12440300MA5ABCDE2Y' }]]);
    expect(registrationOf(contract, orgs, 2_000_000, '2026-06-30T15:59:59.999Z')).toEqual({
      contractId: 'ctr_1', subject: '视觉检测', cluster: 'smart-manufacturing', status: 'ACTIVE', contractType: 'LICENSING',
      price, technologyAmount: { amount: 4_500_000, currency: 'CNY' }, technologyIncome: { amount: 1_000_000, currency: 'CNY' },
      parties: [
        { role: 'BUYER', orgId: 'org_E', name: '精工', creditCode: '91440300MA5ABCDE1X' },
        { role: 'SELLER', orgId: 'org_S', name: '工作室' },
        { role: 'SELLER_COLLEGE', orgId: 'org_C', name: '学院', creditCode: '12440300MA5ABCDE2Y' },
      ],
      // 00:30 on 2 March in Shanghai.
      signedOn: '2026-03-02', activatedOn: '2026-03-02', dueOn: '2026-06-30', ipOwnership: 'COLLEGE',
    });
    const { registration: _none, ...older } = contract;
    expect(registrationOf(older as Contract, orgs, 2_000_000)).toMatchObject({ technologyIncome: { amount: 0, currency: 'CNY' } });
    expect(registrationOf(older as Contract, orgs, 2_000_000)).not.toHaveProperty('contractType');
  });

  it('names every member of a pool as a buyer (owner first) and a programme grant’s government as co-funder', () => {
    const contract = {
      id: 'ctr_2', title: '共性检测', status: 'ACTIVE', price, enterpriseOrgId: 'org_E', studioOrgId: 'org_S', signatures: [],
      shares: { benefitShares: [], riskShares: [], ipOwnership: 'LICENSED_TO_COFUNDERS' },
      pool: { members: [{ orgId: 'org_E', bps: 5_000 }, { orgId: 'org_A', bps: 3_000 }, { orgId: 'org_B', bps: 2_000 }] },
      grant: { programmeId: 'prog_1', applicationId: 'app_1', orgId: 'org_G', bps: 2_000, reserved: 1, shares: {}, approvedAt: '2026-03-01T00:00:00.000Z' },
    } as unknown as Contract;
    const orgs = new Map([['org_E', { name: '精工', creditCode: '91440300MA5ABCDE1X' }], ['org_A', { name: '甲', creditCode: '91440300MA5ABCDE3A' }], ['org_B', { name: '乙' }], ['org_G', { name: '工信局' }]]);
    expect(registrationPartyIds(contract)).toEqual(['org_E', 'org_A', 'org_B', 'org_S', 'org_G']);
    expect(registrationOf(contract, orgs, 0).parties).toEqual([
      { role: 'BUYER', orgId: 'org_E', name: '精工', creditCode: '91440300MA5ABCDE1X' },
      { role: 'BUYER', orgId: 'org_A', name: '甲', creditCode: '91440300MA5ABCDE3A' },
      { role: 'BUYER', orgId: 'org_B', name: '乙' },
      { role: 'SELLER', orgId: 'org_S', name: 'org_S' },
      { role: 'CO_FUNDER', orgId: 'org_G', name: '工信局' },
    ]);
  });
});
