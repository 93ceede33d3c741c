import type { Contract } from './contract.js';
import { shanghaiDate } from './due-dates.js';
import { ValidationError } from './errors.js';
import type { Money } from './money.js';
import type { ContractRegistration, TechContractType } from './tech-contract-type.js';

/**
 * Technology contract registration (技术合同认定登记): the parties of a
 * contract register it with the technology market authority so that they get
 * the tax treatment of a technology contract. At award they choose the
 * contract type and the technology transaction amount (技术交易额, at most the
 * price); the registration record is read from the contract, its parties and
 * its ledger, never typed twice.
 */
/** The technology transaction amount is positive, in the price's currency and at most the price. */
export function assertRegistration(registration: ContractRegistration, price: Money, path = 'registration'): void {
  const amount = registration.technologyAmount;
  if (amount.currency !== price.currency) {
    throw ValidationError.field(`${path}.technologyAmount.currency`, `Use the price's currency ${price.currency}.`, 'CURRENCY_MISMATCH');
  }
  if (amount.amount <= 0 || amount.amount > price.amount) {
    throw ValidationError.field(`${path}.technologyAmount.amount`, `The technology transaction amount is more than 0 and at most the price (${price.amount} fen).`, 'TECH_AMOUNT_RANGE');
  }
}

/**
 * 技术性收入: of what the seller side (studio and its college) has been paid on
 * the contract, the part that is technology, in proportion to the technology
 * transaction amount within the price; exact integer arithmetic, rounded half up.
 */
export function technologyIncome(earned: number, technologyAmount: number, price: number): number {
  if (price <= 0 || earned <= 0) return 0;
  const scaled = BigInt(earned) * BigInt(Math.min(technologyAmount, price)) * 2n + BigInt(price);
  return Number(scaled / (2n * BigInt(price)));
}

export interface RegistrationParty {
  role: 'BUYER' | 'SELLER' | 'SELLER_COLLEGE' | 'CO_FUNDER';
  orgId: string;
  name: string;
  creditCode?: string;
}

/** What a registration needs of one contract (amounts in fen; dates as Asia/Shanghai calendar dates). */
export interface RegistrationRecord {
  contractId: string;
  subject: string;
  cluster?: string;
  status: Contract['status'];
  contractType?: TechContractType;
  price: Money;
  technologyAmount?: Money;
  technologyIncome: Money;
  parties: RegistrationParty[];
  signedOn?: string;
  activatedOn?: string;
  dueOn?: string;
  ipOwnership: Contract['shares']['ipOwnership'];
}

/**
 * The buyers (委托方) of a contract: the enterprise, or on a pooled contract
 * every member of the pool (owner first), each a party of the registration.
 */
export const registrationBuyers = (contract: Pick<Contract, 'enterpriseOrgId' | 'pool'>): string[] =>
  contract.pool && contract.pool.members.length > 1 ? contract.pool.members.map((member) => member.orgId) : [contract.enterpriseOrgId];

/** The government that co-funds: an award-time subsidy's or a programme grant's. */
const subsidiser = (contract: Pick<Contract, 'governmentOrgId' | 'grant'>) => contract.governmentOrgId ?? contract.grant?.orgId;

/** The organisations a registration record names (to read them in one BatchGet). */
export const registrationPartyIds = (contract: Contract): string[] =>
  [...registrationBuyers(contract), contract.studioOrgId, contract.collegeOrgId, subsidiser(contract)].filter((id): id is string => Boolean(id));

/** Builds the registration record of a contract from its parties' organisations and what the seller side has earned. */
export function registrationOf(
  contract: Contract,
  orgs: ReadonlyMap<string, { name: string; creditCode?: string }>,
  sellerEarned: number,
  dueAt?: string,
): RegistrationRecord {
  const party = (role: RegistrationParty['role'], orgId: string): RegistrationParty => {
    const org = orgs.get(orgId);
    return { role, orgId, name: org?.name ?? orgId, ...(org?.creditCode ? { creditCode: org.creditCode } : {}) };
  };
  const lastSignature = contract.signatures.map((signature) => signature.at).sort().at(-1);
  const registration = contract.registration;
  return {
    contractId: contract.id,
    subject: contract.title,
    ...(contract.cluster ? { cluster: contract.cluster } : {}),
    status: contract.status,
    ...(registration ? { contractType: registration.contractType, technologyAmount: registration.technologyAmount } : {}),
    price: contract.price,
    technologyIncome: {
      amount: registration ? technologyIncome(sellerEarned, registration.technologyAmount.amount, contract.price.amount) : 0,
      currency: contract.price.currency,
    },
    parties: [
      ...registrationBuyers(contract).map((orgId) => party('BUYER', orgId)),
      party('SELLER', contract.studioOrgId),
      ...(contract.collegeOrgId ? [party('SELLER_COLLEGE', contract.collegeOrgId)] : []),
      ...(subsidiser(contract) ? [party('CO_FUNDER', subsidiser(contract)!)] : []),
    ],
    ...(lastSignature ? { signedOn: shanghaiDate(lastSignature) } : {}),
    ...(contract.activatedAt ? { activatedOn: shanghaiDate(contract.activatedAt) } : {}),
    ...(dueAt ? { dueOn: shanghaiDate(dueAt) } : {}),
    ipOwnership: contract.shares.ipOwnership,
  };
}

/** Fen as yuan with two decimals and no grouping ("12500.00"), for spreadsheets. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
