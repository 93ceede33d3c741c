import { TECH_CONTRACT_TYPES, isCalendarDate } from '@sharedtech/core';
import { ClusterSchema, PageQuerySchema, PositiveMoneySchema } from './common.js';
import { z } from './zod.js';

/** Chosen at award: the 技术合同 type and the technology transaction amount (at most the price). */
export const RegistrationInputSchema = z
  .object({
    contractType: z.enum(TECH_CONTRACT_TYPES).openapi({ description: '技术开发 DEVELOPMENT · 技术转让 TRANSFER · 技术许可 LICENSING · 技术咨询 CONSULTING · 技术服务 SERVICE' }),
    technologyAmount: PositiveMoneySchema.openapi({ description: '技术交易额: the technology part of the price (at most the price).' }),
  })
  .strict()
  .openapi('RegistrationChoice');

const CalendarDateSchema = z
  .string()
  .refine((value) => isCalendarDate(value), 'Use a calendar date yyyy-mm-dd.')
  .openapi({ example: '2026-01-01', description: 'A calendar date in Asia/Shanghai.' });

/** `GET /v1/registrations(.csv)`: contracts activated from `from` to `to` (Shanghai dates, both inclusive). */
export const RegistrationRangeSchema = z
  .object({
    from: CalendarDateSchema,
    to: CalendarDateSchema,
    cluster: ClusterSchema.optional().openapi({ description: 'Associations: the cluster (default: the association’s own).' }),
  })
  .strict();

export const RegistrationListQuerySchema = PageQuerySchema.extend(RegistrationRangeSchema.shape).strict();
