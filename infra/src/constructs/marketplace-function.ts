import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { TABLE } from '@sharedtech/data';
import { BUNDLING, DEPS_LOCK_FILE, FUNCTION_RUNTIME, REPO_ROOT, splitBundleCommand } from '../bundling.js';

/** The table actions behind each access mode. No Scan, no table management, no streams. */
export const TABLE_ACTIONS = {
  RO: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  RW: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ],
} as const;

export interface MarketplaceFunctionProps extends Omit<NodejsFunctionProps, 'runtime' | 'architecture' | 'bundling' | 'logGroup' | 'role' | 'projectRoot' | 'depsLockFilePath'> {
  entry: string;
  /** `POWERTOOLS_SERVICE_NAME`: the `service` key of every log line and metric dimension. */
  serviceName: string;
  metricsNamespace: string;
  logRetention: RetentionDays;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  stage: string;
  /** Files copied beside the bundle (name in the bundle → path on disk), for what the code reads rather than imports. */
  bundledFiles?: Record<string, string>;
}

/**
 * Every marketplace function: Node 22 on ARM64, bundled by the local esbuild
 * with source maps, X-Ray tracing, JSON logs into its own log group with a
 * retention, Powertools configured through the environment. Its role starts
 * empty (no AWS managed policy): it may write its own logs and whatever the
 * `bind*` helpers grant, nothing else.
 */
export class MarketplaceFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: MarketplaceFunctionProps) {
    const { serviceName, metricsNamespace, logRetention, logLevel, stage, environment, bundledFiles = {}, ...rest } = props;
    // Made before super(), as the function needs them at construction; named after the function.
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: logRetention });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${serviceName} function`,
    });
    super(scope, id, {
      timeout: Duration.seconds(15),
      memorySize: 1024,
      ...rest,
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      // With JSON logs Lambda filters by level itself (AWS_LAMBDA_LOG_LEVEL, default INFO) and
      // Powertools defers to it: both get the stage's level, or DEBUG would be dropped.
      applicationLogLevelV2: ApplicationLogLevel[logLevel],
      systemLogLevelV2: SystemLogLevel.INFO,
      logGroup,
      role,
      projectRoot: REPO_ROOT,
      depsLockFilePath: DEPS_LOCK_FILE,
      bundling: {
        ...BUNDLING,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => [
            splitBundleCommand(rest.entry, outputDir),
            ...Object.entries(bundledFiles).map(([name, source]) => `cp ${JSON.stringify(source)} ${JSON.stringify(`${outputDir}/${name}`)}`),
          ],
        },
      },
      environment: {
        // Stack traces point into the TypeScript sources through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
        STAGE: stage,
        POWERTOOLS_SERVICE_NAME: serviceName,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
        POWERTOOLS_LOG_LEVEL: logLevel,
        ...environment,
      },
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) is granted on "*": those actions support no resource-level permissions. Every other statement names its resource (the infra test checks this).',
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the deliberate target: the bundle is built and tested for node22, the LTS line supported into 2027. Moving to a newer runtime is a planned upgrade with its own test run, not a side effect of a synth.',
    });
  }

  /**
   * Sets TABLE_NAME and grants exactly the item actions of the mode, on the
   * table and each of its indexes by name (from the shared table definition),
   * so the policy holds no wildcard.
   */
  bindTable({ table, accessMode }: { table: ITable; accessMode: 'RO' | 'RW' }): this {
    this.addEnvironment('TABLE_NAME', table.tableName);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: [...TABLE_ACTIONS[accessMode]],
        resources: [table.tableArn, ...TABLE.globalIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`)],
      }),
    );
    return this;
  }

  /** Sets CURSOR_SECRET_ARN and allows reading that one secret. */
  bindCursorSecret(secret: ISecret): this {
    this.addEnvironment('CURSOR_SECRET_ARN', secret.secretArn);
    secret.grantRead(this);
    return this;
  }

  /** Sets EVENT_BUS_NAME and allows putting events on that bus only. */
  bindEventBus(bus: IEventBus): this {
    this.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    bus.grantPutEventsTo(this);
    return this;
  }

  /**
   * Sets ATTACHMENT_BUCKET and grants what presigning and checking uploads needs, on the
   * attachment objects only: put (with its pending tag), read (download URLs, the checksum),
   * re-tag a completed upload, delete a refused one. No listing, no bucket-level action.
   */
  bindAttachmentBucket(bucket: IBucket): this {
    this.addEnvironment('ATTACHMENT_BUCKET', bucket.bucketName);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:PutObjectTagging', 's3:GetObject', 's3:DeleteObject'],
        resources: [bucket.arnForObjects('attachments/*')],
      }),
    );
    return this;
  }
}
