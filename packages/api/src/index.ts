export * from './app.js';
export * from './deps.js';

export { createAssociation, registerOrganisation, decideVerification, addMember } from './services/organisations.js';
export { createRequest, submitRequest, reviewRequest, closeRequestsPastDeadline } from './services/requests.js';
export { releaseOverdueMilestones } from './services/milestones.js';
export { awardRequest } from './services/contracts.js';
export * from './jobs.js';
export { loadPrincipal } from './middleware/auth.js';
export { upgradeDerivedItems, upgradeDerivedItemsIfNeeded, type UpgradeReport } from './services/maintenance.js';
