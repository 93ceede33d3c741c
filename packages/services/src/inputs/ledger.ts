import { Note, PositiveMoneySchema } from './common.js';
import { z } from './zod.js';

export const StatementInputSchema = z.object({ amount: PositiveMoneySchema, note: Note.optional() }).strict().openapi('ReportShareEvent');
