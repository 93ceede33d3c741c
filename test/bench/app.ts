/**
 * The one place the bench reaches into the product: the app factory, its
 * dependencies and the data package's table helpers. When the composition
 * moves to `@sharedtech/app`, only the first import below changes.
 */
export { createApp, type AppDeps } from '@sharedtech/app';
export { createDb, type Db } from '@sharedtech/data';
export { createLocalDeps, ensureTable, startDynamoDbLocal, seedDemoConsortium, DEMO_BASE_STAGES, DEMO_IDENTITIES, type RunningDynamoDb } from '@sharedtech/local';
