export { createApp, DEFAULT_MAX_BODY_BYTES, type App, type AppDeps } from './app.js';
