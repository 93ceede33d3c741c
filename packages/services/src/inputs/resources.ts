import { BOOKING_STATUSES, PRICE_UNITS, RESOURCE_TYPES } from '@sharedtech/core';
import { ClusterSchema, IsoDateTimeSchema, MoneySchema, PageQuerySchema, TagSchema, idSchema } from './common.js';
import { z } from './zod.js';

export const ResourcePriceSchema = z
  .object({
    unit: z.enum(PRICE_UNITS).openapi({ description: 'FREE, PER_HOUR or PER_DAY (each Asia/Shanghai calendar day a booking touches).' }),
    amount: MoneySchema.optional().openapi({ description: 'Required unless FREE; integer fen.' }),
  })
  .strict()
  .refine((price) => price.unit === 'FREE' || (price.amount !== undefined && price.amount.amount > 0), {
    message: 'A priced resource needs an amount greater than zero.',
    path: ['amount'],
  })
  .refine((price) => price.unit !== 'FREE' || price.amount === undefined || price.amount.amount === 0, {
    message: 'A free resource has no price.',
    path: ['amount'],
  })
  .openapi('ResourcePrice');

export const RegisterResourceSchema = z
  .object({
    type: z.enum(RESOURCE_TYPES),
    name: z.string().trim().min(2).max(120).openapi({ example: '工业视觉实训室' }),
    description: z.string().trim().min(5).max(4000),
    cluster: ClusterSchema,
    capabilities: z.array(TagSchema).min(1).max(20),
    location: z.string().trim().min(2).max(200).openapi({ example: '市职业技术学院 实训楼 B201' }),
    rules: z.string().trim().min(2).max(4000).openapi({ example: '须经安全培训；设备由管理员开机。' }),
    price: ResourcePriceSchema,
  })
  .strict()
  .openapi('RegisterResource');

export const ResourceListQuerySchema = PageQuerySchema.extend({
  type: z.enum(RESOURCE_TYPES).optional(),
  cluster: ClusterSchema.optional(),
  mine: z.enum(['true', 'false']).optional().openapi({ description: 'Only your organisation’s resources.' }),
});

export const BookResourceSchema = z
  .object({
    start: IsoDateTimeSchema.openapi({ description: 'A whole hour (Asia/Shanghai), not in the past.', example: '2027-03-01T09:00:00+08:00' }),
    end: IsoDateTimeSchema.openapi({ description: 'A whole hour after the start; at most 72 hours later.', example: '2027-03-01T12:00:00+08:00' }),
    purpose: z.string().trim().min(2).max(1000).openapi({ example: '焊缝样件成像试验' }),
    contractId: idSchema('contract').optional().openapi({ description: 'A contract your organisation is a party of, that this booking serves.' }),
  })
  .strict()
  .openapi('BookResource');

export const BookingListQuerySchema = PageQuerySchema.extend({ status: z.enum(BOOKING_STATUSES).optional() });

export const ResourceStatsQuerySchema = z
  .object({ cluster: ClusterSchema.optional().openapi({ description: 'A cluster’s figures (associations, government bodies of it); without: your organisation’s.' }) })
  .strict();
