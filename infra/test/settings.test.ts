import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { stageFromContext } from '../src/settings.js';
import { CDK_JSON_CONTEXT } from './synth.js';

const stageOf = (context: Record<string, unknown>) => stageFromContext(new App({ context }).node);

describe('stage settings from CDK context', () => {
  it('reads the default stage and its overrides from cdk.json', () => {
    const stage = stageOf(CDK_JSON_CONTEXT);
    expect(stage.name).toBe('dev');
    expect(stage.settings).toMatchObject({ logRetentionDays: 14, logLevel: 'DEBUG', apiThrottle: { rateLimit: 20, burstLimit: 40 }, jobsEveryMinutes: 5 });
  });

  it('picks another stage with -c stage=<name>, and gives an unknown stage the defaults', () => {
    expect(stageOf({ ...CDK_JSON_CONTEXT, stage: 'prod' }).settings).toMatchObject({ logRetentionDays: 365, cognitoThreatProtection: true });
    expect(stageOf({ ...CDK_JSON_CONTEXT, stage: 'alice' })).toEqual({
      name: 'alice',
      settings: expect.objectContaining({ logRetentionDays: 30, corsAllowOrigins: [], cognitoThreatProtection: false, api5xxRatePercent: 2 }),
    });
  });

  it.each([
    [{ stage: 'Prod!' }, /Context "stage" must match/],
    [{ stage: 'qa', stages: { qa: { logRetentionDays: 45 } } }, /stages\.qa\.logRetentionDays: must be a CloudWatch Logs retention/],
    [{ stage: 'qa', stages: { qa: { jobsEveryMinutes: 0 } } }, /stages\.qa\.jobsEveryMinutes/],
    [{ stage: 'qa', stages: { qa: { alarmEmail: 'not-an-email' } } }, /stages\.qa\.alarmEmail/],
    [{ stage: 'qa', stages: { qa: { logRetentionDay: 30 } } }, /Unrecognized key/],
  ])('fails synth on malformed context %j', (context, message) => {
    expect(() => stageOf(context)).toThrow(message);
  });
});
