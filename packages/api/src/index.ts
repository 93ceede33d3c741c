export * from './app.js';
export * from './deps.js';
export * from './tokens.js';
export { createAssociation, registerOrganisation, decideVerification, addMember } from './services/organisations.js';
export { createRequest, submitRequest, reviewRequest } from './services/requests.js';
export { registerPartyResolver } from './services/audit.js';
export { awardRequest } from './services/contracts.js';
export * from './jobs.js';
export { loadPrincipal } from './middleware/auth.js';
