export { API_VERSION, createApiApp, jsonNotFound, type ApiApp } from './app.js';
export type { ApiDeps } from './deps.js';
export { handleError } from './middleware/errors.js';
export { PayloadTooLargeError } from './middleware/payload.js';
