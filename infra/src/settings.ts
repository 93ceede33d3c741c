import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { z } from 'zod';

/**
 * Per-stage settings. `cdk.json` names the default stage (`context.stage`) and
 * holds overrides per stage under `context.stages.<name>`; `-c stage=<name>`
 * picks another. Anything not overridden takes the defaults below, and a
 * malformed value fails synth with its path.
 */
const httpsUrl = z.string().refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', 'must be an https URL');

/** Who signs people in: the stage's own Cognito user pool, or any OpenID Connect provider. */
export const IdentitySettingsSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('cognito') }).strict(),
  z
    .object({
      provider: z.literal('oidc'),
      /**
       * The issuer exactly as the provider's tokens carry it in `iss` (its discovery document is read from
       * `<issuer>/.well-known/openid-configuration`): the consortium's Keycloak, a commercial identity
       * service, a college's unified identity authentication (统一身份认证).
       */
      issuer: httpsUrl,
      /** The client registered for the marketplace: the tokens' audience. */
      clientId: z.string().min(1),
      /** A confidential client's secret, kept in Secrets Manager in the stage's region (full ARN); none for a public client. */
      clientSecretArn: z
        .string()
        .regex(/^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, 'must be the full ARN of a Secrets Manager secret')
        .optional(),
      /** How that secret goes to the token endpoint; by default basic, or post where the provider offers only that. */
      tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']).optional(),
    })
    .strict(),
]);

/** The site's own address: the only way in when set (the execute-api endpoint is disabled). */
export const DomainSettingsSchema = z
  .object({
    /** e.g. `market.example.cn`; DNS gets a CNAME to the API's regional domain name (output `DomainTarget`). */
    name: z.string().regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a lower-case DNS name'),
    /**
     * A certificate for the name in ACM in the stage's region (issued by ACM, or one from a Chinese CA imported
     * into ACM). Without it the stack requests an ACM certificate validated by DNS.
     */
    certificateArn: z
      .string()
      .regex(/^arn:aws(-cn|-us-gov)?:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/, 'must be the ARN of an ACM certificate')
      .optional(),
  })
  .strict();

export const StageSettingsSchema = z
  .object({
    /**
     * The region the stage deploys to. Set, the stacks are bound to it (and to its partition: `aws-cn` for
     * `cn-north-1` and `cn-northwest-1`); unset, they deploy wherever the CLI's environment points.
     */
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be a region name such as cn-north-1').optional(),
    identity: IdentitySettingsSchema.default({ provider: 'cognito' }),
    domain: DomainSettingsSchema.optional(),
    /** The ICP recordal number (备案号) of the domain, shown in every page footer; required in mainland China. */
    icpRecordNumber: z
      .string()
      .regex(/^\p{Script=Han}{1,2}ICP备\d{6,12}号(-\d{1,4})?$/u, 'must be an ICP recordal number such as 京ICP备12345678号-1')
      .optional(),
    /** Days CloudWatch keeps function and access logs (must be a CloudWatch retention value). */
    logRetentionDays: z
      .number()
      .refine((days): days is RetentionDays => Object.values(RetentionDays).includes(days), 'must be a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, …)')
      .default(RetentionDays.ONE_MONTH),
    /** Days AWS Backup keeps each daily backup of the table (on top of its 35 days of point-in-time recovery). */
    backupRetentionDays: z.number().int().min(1).max(36_500).default(35),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
    /** Steady-state requests per second and burst for the whole HTTP API stage. */
    apiThrottle: z.object({ rateLimit: z.number().positive(), burstLimit: z.number().int().positive() }).default({ rateLimit: 50, burstLimit: 100 }),
    /** Browser origins allowed by CORS; none means no CORS configuration. */
    corsAllowOrigins: z.array(z.string().min(1)).default([]),
    /** Minutes between runs of the scheduled jobs. */
    jobsEveryMinutes: z.number().int().min(1).max(60).default(5),
    apiMemoryMb: z.number().int().min(128).max(10_240).default(1024),
    jobsMemoryMb: z.number().int().min(128).max(10_240).default(512),
    /** Alarm when this percentage of API requests answer 5xx within 5 minutes. */
    api5xxRatePercent: z.number().positive().max(100).default(2),
    /** Where alarm notifications go (an SNS email subscription); none: the topic has no subscriber yet. */
    alarmEmail: z.email().optional(),
    /**
     * Cognito threat protection (adaptive authentication, compromised-credential
     * checks) needs the PLUS feature plan, which is billed per active user.
     */
    cognitoThreatProtection: z.boolean().default(false),
    /**
     * Prefix of the Cognito hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`);
     * unique per region across all AWS accounts. Default: `sharedtech-<stage>`.
     */
    authDomainPrefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lower-case letters, digits and hyphens')
      .refine((prefix) => !/aws|amazon|cognito/.test(prefix), 'must not contain aws, amazon or cognito')
      .optional(),
  })
  .strict()
  .superRefine((settings, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: path.split('.'), message });
    if (settings.region && isChinaRegion(settings.region)) {
      // Cognito user pools do not exist in Beijing or Ningxia, API Gateway there serves only ICP-recorded custom domains.
      if (settings.identity.provider !== 'oidc') problem('identity.provider', 'must be "oidc" in the China regions (Cognito user pools are not available there)');
      if (!settings.domain) problem('domain', 'is required in the China regions: an ICP-recorded custom domain is the only way in');
      if (!settings.icpRecordNumber) problem('icpRecordNumber', 'is required in the China regions (shown in every page footer)');
    }
    if (settings.identity.provider === 'oidc') {
      if (settings.cognitoThreatProtection) problem('cognitoThreatProtection', 'applies to Cognito only; this stage signs in through an OpenID provider');
      if (settings.authDomainPrefix) problem('authDomainPrefix', 'applies to Cognito only; this stage signs in through an OpenID provider');
    }
  });

/** Beijing (cn-north-1) and Ningxia (cn-northwest-1): the `aws-cn` partition. */
export const isChinaRegion = (region: string) => region.startsWith('cn-');

export type StageSettings = z.infer<typeof StageSettingsSchema>;

export interface Stage {
  name: string;
  settings: StageSettings;
}

const STAGE_NAME = /^[a-z][a-z0-9-]{0,19}$/;

/** Reads the stage name and its settings from CDK context, failing synth on anything malformed. */
export function stageFromContext(node: Node): Stage {
  const name = String(node.tryGetContext('stage') ?? 'dev');
  if (!STAGE_NAME.test(name)) throw new Error(`Context "stage" must match ${STAGE_NAME} (got "${name}")`);
  const stages = (node.tryGetContext('stages') ?? {}) as Record<string, unknown>;
  const parsed = StageSettingsSchema.safeParse(stages[name] ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `stages.${name}.${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid stage settings in CDK context: ${problems.join('; ')}`);
  }
  return { name, settings: parsed.data };
}
