export * from './app.js';
export * from './bundling.js';
export * from './settings.js';
export * from './constructs/marketplace-function.js';
export * from './constructs/monitoring.js';
export * from './stacks/api-stack.js';
export * from './stacks/stateful-stack.js';
