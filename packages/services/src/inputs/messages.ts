import { z } from './zod.js';

export const PostMessageSchema = z
  .object({ text: z.string().trim().min(1).max(4000).openapi({ example: '第一阶段样机已寄出，请查收。' }) })
  .strict()
  .openapi('PostMessage');
