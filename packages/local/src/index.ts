export * from './dynamodb-local.js';
export * from './runtime.js';
export * from './seed.js';
export * from './server.js';
export * from './file-storage.js';
