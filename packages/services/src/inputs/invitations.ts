import { idSchema } from './common.js';
import { z } from './zod.js';

export const InviteStudioSchema = z
  .object({
    studioOrgId: idSchema('org').openapi({ description: 'A verified studio.', example: 'org_01JD0000000000000000000000' }),
    message: z.string().trim().min(1).max(1000).optional().openapi({ example: '贵工作室的机器视觉经验与本需求高度契合，欢迎投标。' }),
  })
  .strict()
  .openapi('InviteStudio');

export const DeclineInvitationSchema = z
  .object({ reason: z.string().trim().min(2).max(1000).openapi({ example: '本期团队排期已满。' }) })
  .strict()
  .openapi('DeclineInvitation');
