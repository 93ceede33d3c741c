export * from './tokens.js';
export * from './types.js';
export * from './oidc.js';
export * from './subject.js';
