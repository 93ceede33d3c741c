import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { addMarketplace } from '../src/app.js';
import { isChinaRegion } from '../src/settings.js';
import { CDK_JSON_CONTEXT } from './synth.js';

/**
 * Every stage of cdk.json, synthesized offline and checked by cfn-lint against
 * the CloudFormation resource specification of each region the stage deploys
 * to: a resource type or property the region does not have is an error here,
 * not a failed deploy. All templates go through one cfn-lint run; each carries
 * its own regions in its `Metadata.cfn-lint.config`.
 */

const STAGES = Object.keys(CDK_JSON_CONTEXT.stages as Record<string, unknown>);
/** The two China regions: a China stage must deploy in either. */
const CHINA_REGIONS = ['cn-north-1', 'cn-northwest-1'];
/** Where a stage without a `region` setting is checked (it deploys wherever the CLI points). */
const UNPINNED_REGIONS = ['us-east-1'];

const regionsOf = (region: string | undefined) => (region === undefined ? UNPINNED_REGIONS : isChinaRegion(region) ? CHINA_REGIONS : [region]);

const outdir = mkdtempSync(join(tmpdir(), 'sharedtech-cfn-lint-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

interface LintedTemplate {
  stage: string;
  stack: string;
  regions: string[];
  file: string;
}

/** Synthesizes a stage once (no bundling, no network) and writes its templates with the regions to lint them for. */
function synthStage(stage: string, regionsOverride?: string[], label = stage): LintedTemplate[] {
  const app = new App({
    outdir: join(outdir, `${label}.out`),
    builtinCloudFormationValidation: false,
    context: { ...CDK_JSON_CONTEXT, stage, 'aws:cdk:bundling-stacks': [] },
  });
  const marketplace = addMarketplace(app, { nag: false });
  const regions = regionsOverride ?? regionsOf(marketplace.stage.settings.region);
  const assembly = app.synth();
  return assembly.stacks.map((stack) => {
    const template = JSON.parse(readFileSync(stack.templateFullPath, 'utf8'));
    template.Metadata = { ...template.Metadata, 'cfn-lint': { config: { regions } } };
    const file = join(outdir, `${label}--${stack.stackName}.template.json`);
    writeFileSync(file, JSON.stringify(template, null, 1));
    return { stage: label, stack: stack.stackName, regions, file };
  });
}

interface Finding {
  Level: 'Error' | 'Warning' | 'Informational';
  Rule: { Id: string };
  Filename: string;
  Message: string;
}

function cfnLint(files: string[]): Finding[] {
  const run = spawnSync('cfn-lint', ['--format', 'json', '--', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw new Error(`cfn-lint could not be run (${run.error.message}); install it with: pip install cfn-lint`);
  // Exit status is a bit mask of the levels found (2 errors, 4 warnings, 8 informational); 1 is a crash.
  if (run.status === 1 || !run.stdout.trim().startsWith('[')) throw new Error(`cfn-lint failed: ${run.stderr || run.stdout}`);
  return JSON.parse(run.stdout) as Finding[];
}

// One synth per stage, plus a control: the default stage's templates (Cognito) checked for the China regions.
const templates = STAGES.flatMap((stage) => synthStage(stage));
const control = synthStage(String(CDK_JSON_CONTEXT.stage), CHINA_REGIONS, 'control-default-in-china');
const findings = cfnLint([...templates, ...control].map((template) => template.file));
const errorsIn = (file: string) => findings.filter((finding) => finding.Level === 'Error' && finding.Filename === file).map((finding) => `${finding.Rule.Id} ${finding.Message}`);

describe('cfn-lint over every stage of cdk.json, for its regions', () => {
  it('has a China stage checked for both China regions', () => {
    const china = templates.filter((template) => template.regions.includes('cn-north-1'));
    expect(china.length).toBeGreaterThan(0);
    for (const template of china) expect(template.regions).toEqual(CHINA_REGIONS);
  });

  it.each(templates.map((template) => [`${template.stack} in ${template.regions.join(', ')}`, template] as const))('finds no error in %s', (_name, template) => {
    expect(errorsIn(template.file)).toEqual([]);
  });

  it('is live: the same checks find Cognito missing from the default stage in the China regions', () => {
    const errors = control.flatMap((template) => errorsIn(template.file));
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/^E3006 Resource type 'AWS::Cognito::UserPool' does not exist in 'cn-north-1'/)]));
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/^E3006 Resource type 'AWS::Cognito::UserPool' does not exist in 'cn-northwest-1'/)]));
  });
});
