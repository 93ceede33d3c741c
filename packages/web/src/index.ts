export { createWebApp } from './app.js';
export type { WebDeps } from './deps.js';
export { DICTIONARIES, LOCALES, type Locale } from './i18n/index.js';
export { isoToLocalInput } from './format.js';
