import { describe, expect, it } from 'vitest';
import { App, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { addMarketplace } from '../src/app.js';
import { CDK_JSON_CONTEXT, synthMarketplace } from './synth.js';

/** Every acknowledgement in the tree: rule id, construct path and reason. */
function acknowledgements(root: IConstruct) {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ id, path: construct.node.path, reason }))),
  );
}

describe('cdk-nag AwsSolutions checks', () => {
  it.each(Object.keys(CDK_JSON_CONTEXT.stages as Record<string, unknown>))('report no unacknowledged finding for the %s stage', (stage) => {
    // Prepare
    const { app } = synthMarketplace({ stage });
    app.synth();

    // Act
    const report = new AwsSolutionsChecks(app).validateScope(app);

    // Assess
    expect(report.violations.map((violation) => `${violation.ruleName}: ${violation.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledge only named findings, each with a written reason', () => {
    const { app } = synthMarketplace();
    const acks = acknowledgements(app);
    expect(new Set(acks.map((ack) => ack.id.replace(/^Annotation::/, '').replace(/\[.*$/, '')))).toEqual(
      new Set(['AwsSolutions-COG3', 'AwsSolutions-COG8', 'AwsSolutions-SMG4', 'AwsSolutions-SNS2', 'AwsSolutions-APIG4', 'AwsSolutions-L1', 'AwsSolutions-IAM5', 'AwsSolutions-IAM4', 'AwsSolutions-S1']),
    );
    // IAM4 only for the role AWS Backup assumes, with the AWS-maintained policy made for it.
    expect(acks.filter((ack) => ack.id.includes('IAM4')).map((ack) => ack.id.replace(/^Annotation::/, ''))).toEqual([
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
    ]);
    // IAM5 is only ever acknowledged for a named finding (X-Ray's "*" and the scheduler's function qualifier), never wholesale.
    expect(acks.filter((ack) => ack.id.includes('IAM5')).every((ack) => /IAM5\[Resource::(\*|<JobsFunction\w+\.Arn>:\*|SharedTech-\w+-Stateful-AttachmentBucketArn\/attachments\/\*)\]$/.test(ack.id))).toBe(true);
    for (const ack of acks) expect(ack.reason.length, ack.id).toBeGreaterThan(80);
  });

  it('acknowledge nothing about Cognito threat protection where the stage enables it', () => {
    const { app } = synthMarketplace({ stage: 'prod' });
    expect(acknowledgements(app).map((ack) => ack.id).filter((id) => /COG[38]/.test(id))).toEqual([]);
  });

  it('are live: a wildcard grant added to a function fails synth the way `cdk synth` runs it', () => {
    // Prepare: the app exactly as infra/bin/app.ts builds it (nag plugin on), plus one bad grant.
    const app = new App({ builtinCloudFormationValidation: false, context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    const { api } = addMarketplace(app);
    api.apiFunction.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] }));

    // Act + Assess
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Action::dynamodb:\*\]/);
  });

  it('let the real app synthesise when nothing is wrong', () => {
    const app = new App({ builtinCloudFormationValidation: false, context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    addMarketplace(app);
    const assembly = app.synth();
    expect(assembly.stacks.map((stack) => stack.stackName).sort()).toEqual(['SharedTech-dev-Api', 'SharedTech-dev-Stateful']);
  });
});
