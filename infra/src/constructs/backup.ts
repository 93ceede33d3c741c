import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export interface TableBackupProps {
  table: ITable;
  /** Days each daily backup is kept (per stage: `backupRetentionDays`). */
  retentionDays: number;
}

/**
 * Daily AWS Backup of the marketplace table into a retained vault, on top of
 * the table's point-in-time recovery (35 days of any-second restores): backups
 * outlive PITR's window and a deleted table, and are kept per stage.
 */
export class TableBackup extends Construct {
  readonly vault: BackupVault;
  readonly plan: BackupPlan;

  constructor(scope: Construct, id: string, props: TableBackupProps) {
    super(scope, id);
    // Encrypted with the AWS managed key of AWS Backup; kept when the stack is deleted, like the table.
    this.vault = new BackupVault(this, 'Vault', { removalPolicy: RemovalPolicy.RETAIN });
    this.plan = new BackupPlan(this, 'Plan', { backupVault: this.vault });
    this.plan.addRule(
      new BackupPlanRule({
        ruleName: 'Daily',
        // 03:00 in China (UTC+8), a quiet hour for the consortium.
        scheduleExpression: Schedule.cron({ minute: '0', hour: '19' }),
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(4),
        deleteAfter: Duration.days(props.retentionDays),
      }),
    );
    // The role AWS Backup assumes for the jobs (backups only; restores are an operator's deliberate act).
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('backup.amazonaws.com'),
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup')],
    });
    this.plan.addSelection('Table', { resources: [BackupResource.fromDynamoDbTable(props.table)], role });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        'The role AWS Backup assumes carries AWSBackupServiceRolePolicyForBackup, the AWS-maintained policy for backup jobs; the plan selects only the marketplace table.',
    });
  }
}
