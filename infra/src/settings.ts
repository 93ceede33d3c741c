import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { z } from 'zod';

/**
 * Per-stage settings. `cdk.json` names the default stage (`context.stage`) and
 * holds overrides per stage under `context.stages.<name>`; `-c stage=<name>`
 * picks another. Anything not overridden takes the defaults below, and a
 * malformed value fails synth with its path.
 */
export const StageSettingsSchema = z
  .object({
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
  .strict();

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
