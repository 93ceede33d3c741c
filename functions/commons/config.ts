import { z } from 'zod';

/**
 * Configuration comes from the environment the stack sets, read once at cold
 * start. Anything missing or malformed fails the init phase with every problem
 * listed, instead of surfacing as a 500 on some later request.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid function configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Issuers must be https; plain http only on loopback (the offline test of the bundle). */
const issuerUrl = z.string().refine((value) => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'https:' || (url.protocol === 'http:' && loopbackHosts.has(url.hostname));
}, 'must be an https URL');

const common = {
  STAGE: z.string().min(1),
  TABLE_NAME: z.string().min(1),
  CURSOR_SECRET_ARN: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
};

const jobsSchema = z.object(common);
const apiSchema = z.object({
  ...common,
  JWT_ISSUER: issuerUrl,
  JWT_AUDIENCE: z.string().min(1),
  /** The pool's hosted-UI domain, where the web pages send people to sign in. */
  AUTH_BASE_URL: issuerUrl,
});

export type JobsConfig = z.infer<typeof jobsSchema>;
export type ApiConfig = z.infer<typeof apiSchema>;

function read<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv): T {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${env[String(issue.path[0])] === undefined ? 'is not set' : issue.message}`));
}

/** The API function's settings: the table, the cursor secret, the bus and the user pool it trusts. */
export const readApiConfig = (env: NodeJS.ProcessEnv = process.env): ApiConfig => read(apiSchema, env);

/** The jobs function's settings: like the API's, without a token issuer (jobs authenticate nobody). */
export const readJobsConfig = (env: NodeJS.ProcessEnv = process.env): JobsConfig => read(jobsSchema, env);
