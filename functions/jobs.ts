import type { LambdaContext } from 'hono/aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { runScheduledJobs, upgradeDerivedItems, type JobReport, type UpgradeReport } from '@sharedtech/services';
import { readJobsConfig } from '#commons/config';
import { createDeployedDeps } from '#commons/deps';
import { logger, metrics } from '#commons/powertools';

const config = readJobsConfig();
const deps = await createDeployedDeps(config);

/**
 * The EventBridge schedule's target: one run of every periodic job (deadline
 * closing, automatic release, …). Item failures do not fail the invocation —
 * every item is its own conditional write and the next run retries it — but
 * each is logged and counted as `JobItemFailures`, which has an alarm.
 *
 * An operator can also invoke it with `{"job": "upgrade-data"}` after deploying
 * a version that derives new items from existing data (idempotent).
 */
export const handler = async (event: { job?: string } | undefined, context: LambdaContext): Promise<JobReport | UpgradeReport> => {
  logger.addContext(context);
  logger.appendKeys({ stage: config.STAGE });
  metrics.captureColdStartMetric();
  try {
    if (event?.job === 'upgrade-data') {
      const upgrade = await upgradeDerivedItems(deps);
      logger.info('Data upgrade finished', { upgrade });
      return upgrade;
    }
    const report = await runScheduledJobs(deps);
    // Every counter in the report becomes a metric, so jobs added later are measured too.
    for (const [name, value] of Object.entries(report)) {
      if (typeof value === 'number') metrics.addMetric(name, MetricUnit.Count, value);
    }
    metrics.addMetric('JobItemFailures', MetricUnit.Count, report.failures.length);
    for (const failure of report.failures) logger.error('Scheduled job item failed', { ...failure });
    logger.info('Scheduled jobs finished', { report });
    return report;
  } finally {
    metrics.publishStoredMetrics();
    logger.resetKeys();
  }
};
