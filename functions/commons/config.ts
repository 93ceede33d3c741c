/**
 * Configuration comes from the environment the stack sets, read once at cold
 * start. Anything missing or malformed fails the init phase with every problem
 * listed, instead of surfacing as a 500 on some later request.
 *
 * Checked by the small rules below rather than a zod schema on purpose: this
 * runs in every cold start's init, and zod's core (about 110 KiB) would then
 * be loaded and evaluated before the first `/health` answers. Requests still
 * validate with zod, loaded with the first route that needs it.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid function configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** A rule for one variable: the problem with its value, or undefined when it is fine. */
type Rule = { optional?: true; check: (value: string) => string | undefined };

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

const present: Rule = { check: (value) => (value.length > 0 ? undefined : 'must not be empty') };

/** Issuers must be https; plain http only on loopback (the offline test of the bundle). */
const issuerUrl: Rule = {
  check: (value) => {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    const ok = url?.protocol === 'https:' || (url?.protocol === 'http:' && loopbackHosts.has(url.hostname));
    return ok ? undefined : 'must be an https URL';
  },
};

const matching = (pattern: RegExp, problem: string): Rule => ({ check: (value) => (pattern.test(value) ? undefined : problem) });
const oneOf = (values: readonly string[]): Rule => ({ check: (value) => (values.includes(value) ? undefined : `must be one of ${values.join(', ')}`) });
const optional = (rule: Rule): Rule => ({ ...rule, optional: true });

const commonRules: Record<keyof JobsConfig, Rule> = {
  STAGE: present,
  TABLE_NAME: present,
  CURSOR_SECRET_ARN: present,
  EVENT_BUS_NAME: present,
};

const apiRules: Record<keyof ApiConfig, Rule> = {
  ...commonRules,
  /**
   * Who signs people in: `cognito` (the stage's user pool; the default) or
   * `oidc` (any OpenID Provider, found through its discovery document).
   */
  IDENTITY_PROVIDER: optional(oneOf(['cognito', 'oidc'])),
  /** The issuer exactly as its tokens carry it in `iss`. */
  JWT_ISSUER: issuerUrl,
  /** The client id the tokens are issued for. */
  JWT_AUDIENCE: present,
  /** Cognito only: the pool's hosted-UI domain, where the web pages send people to sign in. */
  AUTH_BASE_URL: optional(issuerUrl),
  /** OIDC only, for a confidential client: the Secrets Manager secret holding the client secret. */
  OIDC_CLIENT_SECRET_ARN: optional(matching(/^arn:aws[a-z-]*:secretsmanager:/, 'must be a Secrets Manager secret ARN')),
  /** OIDC only: how the client secret goes to the token endpoint (default: basic, or what the provider offers). */
  OIDC_TOKEN_AUTH_METHOD: optional(oneOf(['client_secret_basic', 'client_secret_post'])),
  /** The site's ICP recordal number (备案号), shown in the page footer in mainland China. */
  ICP_RECORD_NUMBER: optional(matching(/^.{1,64}$/u, 'must be 1 to 64 characters')),
  /** The S3 bucket of attachment files (presigned uploads and downloads); without it, attachments answer 503. */
  ATTACHMENT_BUCKET: optional(matching(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')),
};

export interface JobsConfig {
  STAGE: string;
  TABLE_NAME: string;
  CURSOR_SECRET_ARN: string;
  EVENT_BUS_NAME: string;
}

export interface ApiConfig extends JobsConfig {
  IDENTITY_PROVIDER?: 'cognito' | 'oidc';
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  AUTH_BASE_URL?: string;
  OIDC_CLIENT_SECRET_ARN?: string;
  OIDC_TOKEN_AUTH_METHOD?: 'client_secret_basic' | 'client_secret_post';
  ICP_RECORD_NUMBER?: string;
  ATTACHMENT_BUCKET?: string;
}

/** The variables the rules name (nothing else of the environment), or every problem at once. */
function read(rules: Record<string, Rule>, env: NodeJS.ProcessEnv, crossCheck?: (config: Record<string, string | undefined>) => string[]) {
  const problems: string[] = [];
  const config: Record<string, string> = {};
  for (const [name, rule] of Object.entries(rules)) {
    const value = env[name];
    if (value === undefined) {
      if (!rule.optional) problems.push(`${name}: is not set`);
      continue;
    }
    const problem = rule.check(value);
    if (problem) problems.push(`${name}: ${problem}`);
    else config[name] = value;
  }
  if (problems.length === 0) problems.push(...(crossCheck?.(config) ?? []));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Which variables go with which identity provider. */
function identityProblems(env: Record<string, string | undefined>): string[] {
  const provider = env.IDENTITY_PROVIDER ?? 'cognito';
  const problems: string[] = [];
  if (provider === 'cognito' && env.AUTH_BASE_URL === undefined) problems.push('AUTH_BASE_URL: is not set (Cognito needs its hosted-UI domain)');
  for (const name of ['OIDC_CLIENT_SECRET_ARN', 'OIDC_TOKEN_AUTH_METHOD']) {
    if (provider === 'cognito' && env[name] !== undefined) problems.push(`${name}: is for IDENTITY_PROVIDER=oidc only`);
  }
  if (provider === 'oidc' && env.AUTH_BASE_URL !== undefined) problems.push('AUTH_BASE_URL: is for Cognito only; an OpenID Provider is discovered from JWT_ISSUER');
  return problems;
}

/** The API function's settings: the table, the cursor secret, the bus and the identity provider it trusts. */
export const readApiConfig = (env: NodeJS.ProcessEnv = process.env) => read(apiRules, env, identityProblems) as unknown as ApiConfig;

/** The jobs function's settings: like the API's, without a token issuer (jobs authenticate nobody). */
export const readJobsConfig = (env: NodeJS.ProcessEnv = process.env) => read(commonRules, env) as unknown as JobsConfig;
