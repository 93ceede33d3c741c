import { CURRENCIES, idPattern, type IdKind } from '@sharedtech/core';
import { MAX_PAGE_SIZE } from '@sharedtech/data';
import { z } from './zod.js';

/*
 * The building blocks of every input: money, ids, clusters, tags, instants,
 * paging and reasons. Each is written once, in zod; the JSON API documents and
 * validates with them, and the pages validate their forms with the same ones.
 */

/** Largest amount accepted anywhere: ¥1,000,000,000.00 keeps every sum far inside safe integers. */
export const MAX_AMOUNT = 100_000_000_000;

export const MoneySchema = z
  .object({
    amount: z.number().int().min(0).max(MAX_AMOUNT).openapi({ example: 1_250_000, description: 'Integer minor units (fen).' }),
    currency: z.enum(CURRENCIES).openapi({ example: 'CNY' }),
  })
  .strict()
  .openapi('Money');

export const PositiveMoneySchema = MoneySchema.refine((value) => value.amount > 0, {
  message: 'The amount must be greater than zero.',
  path: ['amount'],
});

export const idSchema = (kind: IdKind) => z.string().max(64).regex(idPattern(kind), `Not a valid ${kind} id.`);

/** A slug for clusters: lower-case latin, digits and hyphens, so it is safe in keys and URLs. */
export const ClusterSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'Use 2–40 lower-case letters, digits or hyphens.').openapi({ example: 'smart-manufacturing' });

/** Tags may be Chinese or latin words; no separators that could reach a key. */
export const TagSchema = z.string().min(1).max(32).regex(/^[\p{L}\p{N}][\p{L}\p{N}+.\- ]*$/u, 'Use letters, digits, spaces, "+", "." or "-".').openapi({ example: '机器视觉' });

export const IsoDateTimeSchema = z.iso.datetime({ offset: true }).openapi({ example: '2026-12-31T18:00:00+08:00' });

/**
 * Paging of every list. Strict, like every query schema (`.extend` keeps it so):
 * an unknown query parameter is a 400 naming it, never silently ignored.
 */
export const PageQuerySchema = z
  .object({
    cursor: z.string().max(2048).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  })
  .strict();

export const ReasonSchema = z.object({ reason: z.string().trim().min(1).max(1000).optional() }).strict().openapi('Reason');

export const RequiredReasonSchema = z.object({ reason: z.string().trim().min(1).max(1000) }).strict().openapi('RequiredReason');

export const Note = z.string().trim().min(1).max(2000);

/** A client-chosen key (a UUID is ideal); restricted to characters that are safe in a key. */
export const IdempotencyKeySchema = z
  .string()
  .min(8)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'Use 8–128 letters, digits, "_", ".", ":" or "-" (a UUID is ideal).')
  .openapi({ example: '7d0f6d2c-1f0e-4c8e-9a57-3b5d7c1e2a90' });
