import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stageFromContext } from './settings.js';
import { ApiStack } from './stacks/api-stack.js';
import { StatefulStack } from './stacks/stateful-stack.js';

/** Stack ids for a stage; also the CloudFormation stack names. */
export const stackIds = (stage: string) => ({ stateful: `SharedTech-${stage}-Stateful`, api: `SharedTech-${stage}-Api` });

/**
 * Adds the marketplace to a CDK app: the stateful stack, the API stack that
 * depends on it, and the cdk-nag AWS Solutions checks as a policy-validation
 * plugin (an unacknowledged error fails synth). The account comes from the
 * CLI's environment when deploying and stays unresolved for an offline synth;
 * the region is the stage's `region` setting if it has one (which also fixes
 * the partition, `aws-cn` in Beijing and Ningxia), else the CLI's.
 */
export function addMarketplace(app: App, options: { nag?: boolean } = {}) {
  const stage = stageFromContext(app.node);
  const ids = stackIds(stage.name);
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: stage.settings.region ?? process.env.CDK_DEFAULT_REGION };
  const tags = { project: 'sharedtech-marketplace', stage: stage.name };
  const stateful = new StatefulStack(app, ids.stateful, { stage, env, tags, description: `SharedTech Marketplace (${stage.name}): table, ${stage.settings.identity.provider === 'cognito' ? 'user pool, ' : ''}cursor key` });
  const api = new ApiStack(app, ids.api, {
    stage,
    env,
    tags,
    description: `SharedTech Marketplace (${stage.name}): functions, HTTP API, event bus, schedule, alarms`,
    table: stateful.table,
    userPool: stateful.userPool,
    signInDomain: stateful.signInDomain,
    cursorSecret: stateful.cursorSecret,
    attachmentBucketExport: stateful.attachmentBucketExport,
  });
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stage, stateful, api };
}
