import { APPOINTMENT_KINDS, APPOINTMENT_STATUSES, isCalendarDate } from '@sharedtech/core';
import { ClusterSchema, PageQuerySchema, idSchema } from './common.js';
import { z } from './zod.js';

/** A calendar date in Asia/Shanghai, `yyyy-mm-dd`. */
export const CalendarDateSchema = z.string().refine(isCalendarDate, 'Use a date written yyyy-mm-dd.').openapi({ example: '2027-03-01' });

export const AppointedPersonSchema = z
  .object({
    name: z.string().trim().min(1).max(60).openapi({ example: '赵工' }),
    title: z.string().trim().min(1).max(60).optional().openapi({ example: '高级工程师', description: 'Role or title in the home organisation.' }),
    memberSub: z.string().min(1).max(128).optional().openapi({ description: 'The member user of the home organisation, if the person signs in.' }),
  })
  .strict()
  .openapi('AppointedPerson');

export const ProposeAppointmentSchema = z
  .object({
    kind: z.enum(APPOINTMENT_KINDS).openapi({
      description: 'INDUSTRY_TEACHER (产业教师) or MENTOR: an enterprise engineer at a college; TEACHER_SECONDMENT (教师企业实践): a college teacher at an enterprise.',
    }),
    counterpartOrgId: idSchema('org').openapi({ description: 'The other organisation: the college (or studio) for an enterprise, the enterprise for a college.' }),
    cluster: ClusterSchema,
    person: AppointedPersonSchema,
    subject: z.string().trim().min(2).max(200).openapi({ example: '工业机器视觉课程' }),
    startDate: CalendarDateSchema,
    endDate: CalendarDateSchema,
    hoursPerMonth: z.number().int().min(1).max(200).openapi({ example: 16 }),
    note: z.string().trim().min(1).max(2000).optional(),
  })
  .strict()
  .refine((value) => value.endDate >= value.startDate, { message: 'The end date is before the start date.', path: ['endDate'] })
  .openapi('ProposeAppointment');

export const AppointmentListQuerySchema = PageQuerySchema.extend({
  status: z.enum(APPOINTMENT_STATUSES).optional(),
  cluster: ClusterSchema.optional().openapi({ description: 'Associations and government bodies: the cluster to list (default: their own).' }),
});

export const AppointmentStatsQuerySchema = z
  .object({ cluster: ClusterSchema.optional().openapi({ description: 'A cluster’s figures (associations, government bodies of it); without: your organisation’s.' }) })
  .strict();
