export * from './tokens.js';
export * from './subject.js';
