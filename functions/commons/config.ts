// zod's functional build: the configuration is read at every cold start, which then
// loads the few KiB this file uses, not all of zod (the routes load it when first asked).
import * as z from 'zod/mini';

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
const issuerUrl = z.string().check(
  z.refine((value: string) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && loopbackHosts.has(url.hostname));
  }, 'must be an https URL'),
);

const present = () => z.string().check(z.minLength(1, 'must not be empty'));

const common = {
  STAGE: present(),
  TABLE_NAME: present(),
  CURSOR_SECRET_ARN: present(),
  EVENT_BUS_NAME: present(),
};

const jobsSchema = z.object(common);
const apiSchema = z
  .object({
    ...common,
    /**
     * Who signs people in: `cognito` (the stage's user pool; the default) or
     * `oidc` (any OpenID Provider, found through its discovery document).
     */
    IDENTITY_PROVIDER: z.optional(z.enum(['cognito', 'oidc'], 'must be cognito or oidc')),
    /** The issuer exactly as its tokens carry it in `iss`. */
    JWT_ISSUER: issuerUrl,
    /** The client id the tokens are issued for. */
    JWT_AUDIENCE: present(),
    /** Cognito only: the pool's hosted-UI domain, where the web pages send people to sign in. */
    AUTH_BASE_URL: z.optional(issuerUrl),
    /** OIDC only, for a confidential client: the Secrets Manager secret holding the client secret. */
    OIDC_CLIENT_SECRET_ARN: z.optional(z.string().check(z.regex(/^arn:aws[a-z-]*:secretsmanager:/, 'must be a Secrets Manager secret ARN'))),
    /** OIDC only: how the client secret goes to the token endpoint (default: basic, or what the provider offers). */
    OIDC_TOKEN_AUTH_METHOD: z.optional(z.enum(['client_secret_basic', 'client_secret_post'], 'must be client_secret_basic or client_secret_post')),
    /** The site's ICP recordal number (备案号), shown in the page footer in mainland China. */
    ICP_RECORD_NUMBER: z.optional(z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(64, 'must be at most 64 characters'))),
    /** The S3 bucket of attachment files (presigned uploads and downloads); without it, attachments answer 503. */
    ATTACHMENT_BUCKET: z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'))),
  })
  .check(z.superRefine((env, ctx) => {
    const provider = env.IDENTITY_PROVIDER ?? 'cognito';
    if (provider === 'cognito' && env.AUTH_BASE_URL === undefined) ctx.addIssue({ code: 'custom', path: ['AUTH_BASE_URL'], message: 'is required with Cognito' });
    for (const name of ['OIDC_CLIENT_SECRET_ARN', 'OIDC_TOKEN_AUTH_METHOD'] as const) {
      if (provider === 'cognito' && env[name] !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: 'is for IDENTITY_PROVIDER=oidc only' });
    }
    if (provider === 'oidc' && env.AUTH_BASE_URL !== undefined) ctx.addIssue({ code: 'custom', path: ['AUTH_BASE_URL'], message: 'is for Cognito only; an OpenID Provider is discovered from JWT_ISSUER' });
  }));

export type JobsConfig = z.infer<typeof jobsSchema>;
export type ApiConfig = z.infer<typeof apiSchema>;

function read<T>(schema: z.ZodMiniType<T>, env: NodeJS.ProcessEnv): T {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${env[String(issue.path[0])] === undefined ? 'is not set' : issue.message}`));
}

/** The API function's settings: the table, the cursor secret, the bus and the identity provider it trusts. */
export const readApiConfig = (env: NodeJS.ProcessEnv = process.env): ApiConfig => read(apiSchema, env);

/** The jobs function's settings: like the API's, without a token issuer (jobs authenticate nobody). */
export const readJobsConfig = (env: NodeJS.ProcessEnv = process.env): JobsConfig => read(jobsSchema, env);
