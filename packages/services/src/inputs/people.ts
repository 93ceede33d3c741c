import { PERSON_KINDS } from '@sharedtech/core';
import { PageQuerySchema, idSchema } from './common.js';
import { z } from './zod.js';

const personShape = {
  name: z.string().trim().min(1).max(60).openapi({ example: '李明' }),
  programme: z.string().trim().min(1).max(60).optional().openapi({ description: 'Students: programme (专业).', example: '机电一体化技术' }),
  year: z.number().int().min(1990).max(2100).optional().openapi({ description: 'Students: year of entry.', example: 2024 }),
  title: z.string().trim().min(1).max(60).optional().openapi({ example: '高级工程师' }),
  memberSub: z.string().trim().min(1).max(200).optional().openapi({ description: 'The member of this organisation who signs in as this person.' }),
};

export const CreatePersonSchema = z
  .object({ kind: z.enum(PERSON_KINDS).openapi({ description: 'TEACHER and STUDENT on college and studio rosters, ENGINEER on enterprise (and studio) rosters.' }), ...personShape })
  .strict()
  .openapi('CreatePerson');

export const UpdatePersonSchema = z
  .object({ ...personShape, memberSub: personShape.memberSub.nullable() })
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, { message: 'Change at least one field.' })
  .openapi('UpdatePerson');

export const PeopleQuerySchema = PageQuerySchema.extend({ kind: z.enum(PERSON_KINDS).optional() });

export const PersonIdSchema = idSchema('person');

export const LogParticipationSchema = z
  .object({
    personId: idSchema('person'),
    hours: z.number().int().min(1).max(1000).openapi({ description: 'Whole hours the student worked on this milestone.' }),
    role: z.string().trim().min(1).max(60).optional().openapi({ example: '视觉算法' }),
    tasks: z.array(z.string().trim().min(1).max(200)).min(1).max(20).openapi({ example: ['标定相机', '标注样本'] }),
  })
  .strict()
  .openapi('LogParticipation');

export const SignOffParticipationSchema = z
  .object({
    personIds: z.array(idSchema('person')).min(1).max(25).optional().openapi({ description: 'Entries to sign; default: every entry of the milestone awaiting your side (at most 25 a call).' }),
  })
  .strict()
  .openapi('SignOffParticipation');
