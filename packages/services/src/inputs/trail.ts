import { PageQuerySchema, idSchema } from './common.js';
import { z } from './zod.js';

export const MarkNotificationsReadSchema = z
  .object({
    upTo: idSchema('notification')
      .optional()
      .openapi({ description: 'Mark this notification and every older one as read (default: the newest).', example: 'ntf_01JD0000000000000000000000' }),
  })
  .strict()
  .openapi('MarkNotificationsRead');

export const AuditQuerySchema = PageQuerySchema.extend({
  entity: z
    .string()
    .max(120)
    .regex(
      /^(?:(?:organisation|request|bid|contract|dispute|question|review|invitation|appointment|resource|booking|person|studentRecord|programme|application|attachment):[a-z]{3}_[0-9A-HJKMNP-TV-Z]{26}|participation:ctr_[0-9A-HJKMNP-TV-Z]{26}:[1-9][0-9]{0,3}:per_[0-9A-HJKMNP-TV-Z]{26})$/,
      'Use <type>:<id>, e.g. request:req_01J…, or participation:<contract id>:<milestone>:<person id>.',
    )
    .openapi({ example: 'request:req_01JD0000000000000000000000' }),
});
