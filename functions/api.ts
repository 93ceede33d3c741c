import { handle, type ApiGatewayRequestContextV2, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { createApp } from '@sharedtech/app';
import { readApiConfig } from '#commons/config';
import { createDeployedDeps } from '#commons/deps';
import { logger, metrics } from '#commons/powertools';

// Init phase, once per container: configuration (fails fast), the cursor secret,
// clients and the app. Top-level await keeps this out of the first request's latency budget.
const config = readApiConfig();
const app = createApp(await createDeployedDeps(config));
const serve = handle(app);

/** An API Gateway HTTP API event, payload format 2.0. */
export type HttpApiEvent = Extract<LambdaEvent, { requestContext: ApiGatewayRequestContextV2 }>;

/** API Gateway HTTP API (payload v2) → the same Hono app `npm start` serves locally. */
export const handler = async (event: HttpApiEvent, context: LambdaContext) => {
  const started = Date.now();
  logger.addContext(context);
  logger.appendKeys({ apiRequestId: event.requestContext.requestId, routeKey: event.routeKey, stage: config.STAGE });
  metrics.captureColdStartMetric();
  try {
    const response = await serve(event, context);
    logger.info('Request handled', { method: event.requestContext.http.method, path: event.rawPath, status: response.statusCode, durationMs: Date.now() - started });
    return response;
  } finally {
    // Most requests record no metric (publishing is per event); an empty flush would only log a warning.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    logger.resetKeys();
  }
};
