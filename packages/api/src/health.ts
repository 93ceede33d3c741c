import type { ApiDeps } from './deps.js';

export const API_VERSION = '1.0.0';

/** What `GET /health` answers (no database read). */
export const healthOf = (deps: Pick<ApiDeps, 'clock'>) => ({ status: 'ok' as const, version: API_VERSION, time: deps.clock().toISOString() });
