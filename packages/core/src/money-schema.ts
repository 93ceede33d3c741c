import { z } from 'zod';

// Apart from money.ts, so the money maths (allocation, formatting) loads no zod.

/** A stored amount of money (integer minor units, CNY). */
export const moneySchema = z.object({ amount: z.number().int(), currency: z.literal('CNY') });
