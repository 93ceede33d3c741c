export { createApiApp, jsonNotFound, type ApiApp } from './app.js';
export { API_VERSION } from './health.js';
export { servedLazily } from './lazy.js';
export type { ApiDeps } from './deps.js';
export { handleError } from './middleware/errors.js';
export { PayloadTooLargeError } from './middleware/payload.js';
