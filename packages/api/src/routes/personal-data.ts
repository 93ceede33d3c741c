import { createRoute, z } from '@hono/zod-openapi';
import { exportPersonalData } from '@sharedtech/services';
import type { ApiDeps } from '../deps.js';
import { errorResponses, jsonResponse } from '../openapi.js';
import { MembershipSchema, OrganisationSchema } from './organisation-schemas.js';
import { bearer, createRouter } from './router.js';

const ExportSectionSchema = <T extends z.ZodType>(data: T) =>
  z.object({
    description: z.string().openapi({ description: 'What this section is.' }),
    complete: z.boolean().openapi({ description: 'False when the bounded read may have left older items out.' }),
    data,
  });

export const PersonalDataExportSchema = z
  .object({
    sub: z.string(),
    exportedAt: z.string(),
    about: z.string(),
    sections: z.object({
      identity: ExportSectionSchema(z.object({ sub: z.string() })),
      membership: ExportSectionSchema(MembershipSchema.nullable()),
      organisation: ExportSectionSchema(OrganisationSchema.nullable()),
      notificationReadState: ExportSectionSchema(z.object({ inbox: z.string(), readUpTo: z.string().nullable() }).nullable()),
      requestsCreated: ExportSectionSchema(z.array(z.record(z.string(), z.unknown()))),
      bidsCreated: ExportSectionSchema(z.array(z.record(z.string(), z.unknown()))),
      attachmentsUploaded: ExportSectionSchema(z.array(z.record(z.string(), z.unknown()))),
      reviewsWritten: ExportSectionSchema(z.array(z.record(z.string(), z.unknown()))),
      appointments: ExportSectionSchema(z.array(z.record(z.string(), z.unknown()))),
      bookingsMade: ExportSectionSchema(z.array(z.record(z.string(), z.unknown()))),
      auditRecordsAsActor: ExportSectionSchema(z.array(z.record(z.string(), z.unknown()))),
    }),
  })
  .openapi('PersonalDataExport');

/** `GET /v1/me/export`: the caller's personal data (PIPL), a module of its own as it reads across the marketplace. */
export function personalDataRoutes(deps: ApiDeps) {
  return createRouter().openapi(
    createRoute({
      method: 'get', path: '/export', tags: ['Identity'], security: bearer, summary: 'Download what the marketplace stores about me (PIPL)',
      description:
        'Membership, organisation, inbox read state, the requests and bids you created, the files you uploaded, the reviews you wrote, your talent appointments and resource bookings, and the audit records in which you are the actor; each section says what it is and whether its bounded read is complete.',
      responses: { 200: jsonResponse(PersonalDataExportSchema, 'Your personal data'), ...errorResponses },
    }),
    async (c) => {
      c.header('Content-Disposition', 'attachment; filename="sharedtech-personal-data.json"');
      c.header('Cache-Control', 'no-store');
      return c.json(await exportPersonalData(deps, c.get('principal')), 200);
    },
  );
}
