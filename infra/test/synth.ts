import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addMarketplace } from '../src/app.js';

/** The context of the real cdk.json, so the tests check the stages people deploy. */
export const CDK_JSON_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;

/**
 * Builds the marketplace the way `cdk synth` does, minus the slow parts a unit
 * test does not need: no bundling (the bundle test does that once), no built-in
 * CloudFormation validation, and cdk-nag run explicitly by the nag test.
 */
export function synthMarketplace(context: Record<string, unknown> = {}) {
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context },
  });
  const { stage, stateful, api } = addMarketplace(app, { nag: false });
  return { app, stage, statefulStack: stateful, apiStack: api, stateful: Template.fromStack(stateful), api: Template.fromStack(api) };
}

export type Synthesised = ReturnType<typeof synthMarketplace>;

/** The single resource of a type, failing loudly when there are none or several. */
export function onlyResource(template: Template, type: string) {
  const resources = Object.entries(template.findResources(type));
  if (resources.length !== 1) throw new Error(`expected one ${type}, found ${resources.length}`);
  const [logicalId, resource] = resources[0]!;
  return { logicalId, ...(resource as { Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string }) };
}
