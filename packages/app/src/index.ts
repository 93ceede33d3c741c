export { createApp, DEFAULT_MAX_BODY_BYTES, UPLOAD_MAX_BODY_BYTES, WEB_UPLOAD_PATH, maxBodyBytesFor, type App, type AppDeps } from './app.js';
