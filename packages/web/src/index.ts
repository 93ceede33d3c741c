export { createWebApp } from './app.js';
export type { WebDeps } from './deps.js';
export { DICTIONARIES, LOCALES, type Locale } from './i18n/index.js';
export { isoToLocalInput } from './format.js';
export { UPLOAD_MAX_BODY_BYTES, WEB_UPLOAD_PATH } from './pages/attachments.js';
