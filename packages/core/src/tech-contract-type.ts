import { z } from 'zod';
import { moneySchema } from './money-schema.js';

/** The five technology contract types of 技术合同认定登记 (see registration.ts). */
export const TECH_CONTRACT_TYPES = ['DEVELOPMENT', 'TRANSFER', 'LICENSING', 'CONSULTING', 'SERVICE'] as const;
export type TechContractType = (typeof TECH_CONTRACT_TYPES)[number];

/** The statutory names of the five types, in Chinese and English. */
export const TECH_CONTRACT_TYPE_LABELS: Record<TechContractType, { 'zh-CN': string; en: string }> = {
  DEVELOPMENT: { 'zh-CN': '技术开发', en: 'Technology development' },
  TRANSFER: { 'zh-CN': '技术转让', en: 'Technology transfer' },
  LICENSING: { 'zh-CN': '技术许可', en: 'Technology licensing' },
  CONSULTING: { 'zh-CN': '技术咨询', en: 'Technology consulting' },
  SERVICE: { 'zh-CN': '技术服务', en: 'Technology service' },
};

export const contractRegistrationSchema = z.object({
  contractType: z.enum(TECH_CONTRACT_TYPES),
  /** 技术交易额: the technology part of the price, in fen (≤ price). */
  technologyAmount: moneySchema,
});
export type ContractRegistration = z.infer<typeof contractRegistrationSchema>;

