import { z } from 'zod';

/** Subjects the local sign-in accepts: short, printable and safe as part of a key. */
export const DevSubjectSchema = z.string().trim().min(1).max(128).regex(/^[\w.@:-]+$/, 'Use letters, digits and . _ @ : -');

/** The body of a local-mode token request (`POST /dev/token` and the local sign-in form). */
export const DevTokenRequestSchema = z.object({ sub: DevSubjectSchema }).strict();
