import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

// Service name, metrics namespace and log level come from POWERTOOLS_* variables
// set by the function construct, so each function logs and measures under its own name.

/** Structured JSON logger; each invocation adds the Lambda context (request id, cold start). */
export const logger = new Logger();

/** CloudWatch embedded-metric-format metrics, flushed at the end of each invocation. */
export const metrics = new Metrics();
