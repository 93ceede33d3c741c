import { describe, expect, it } from 'vitest';
import { onlyResource, synthMarketplace } from './synth.js';

const dev = synthMarketplace();

describe('AWS Backup of the table (stateful stack)', () => {
  it('backs the table up daily into a retained vault, keeping each backup for the stage default of 35 days', () => {
    const vault = onlyResource(dev.stateful, 'AWS::Backup::BackupVault');
    expect(vault.DeletionPolicy).toBe('Retain');
    const plan = onlyResource(dev.stateful, 'AWS::Backup::BackupPlan');
    expect(plan.Properties.BackupPlan.BackupPlanRule).toEqual([
      expect.objectContaining({
        RuleName: 'Daily',
        ScheduleExpression: 'cron(0 19 * * ? *)',
        Lifecycle: { DeleteAfterDays: 35 },
        TargetBackupVault: { 'Fn::GetAtt': [vault.logicalId, 'BackupVaultName'] },
      }),
    ]);
  });

  it('selects exactly the marketplace table', () => {
    const table = onlyResource(dev.stateful, 'AWS::DynamoDB::Table');
    const selection = onlyResource(dev.stateful, 'AWS::Backup::BackupSelection');
    expect(selection.Properties.BackupSelection.Resources).toEqual([{ 'Fn::GetAtt': [table.logicalId, 'Arn'] }]);
  });

  it('keeps backups as long as the stage says: a year in prod (cdk.json), any number of days where set', () => {
    const prod = synthMarketplace({ stage: 'prod' });
    expect(onlyResource(prod.stateful, 'AWS::Backup::BackupPlan').Properties.BackupPlan.BackupPlanRule[0].Lifecycle).toEqual({ DeleteAfterDays: 365 });
    const custom = synthMarketplace({ stage: 'dev', stages: { dev: { backupRetentionDays: 90 } } });
    expect(onlyResource(custom.stateful, 'AWS::Backup::BackupPlan').Properties.BackupPlan.BackupPlanRule[0].Lifecycle).toEqual({ DeleteAfterDays: 90 });
    expect(() => synthMarketplace({ stage: 'dev', stages: { dev: { backupRetentionDays: 0 } } })).toThrow(/stages\.dev\.backupRetentionDays/);
  });

  it('keeps point-in-time recovery on as well', () => {
    expect(onlyResource(dev.stateful, 'AWS::DynamoDB::Table').Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });
});
