import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createIdGenerator, systemClock, type Clock } from '@sharedtech/core';
import { createDb } from '@sharedtech/data';
import type { AppDeps } from '@sharedtech/app';
import { localTokens } from '@sharedtech/identity';
import { DEMO_IDENTITIES } from './seed.js';
import { LOCAL_FILES_PATH, localFileStorage } from './file-storage.js';

export const LOCAL_TABLE_NAME = 'Marketplace';

// Local runs may be on Node 20 (the Lambda runtime is Node 22); the SDK's notice about that is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * The local signing secret is generated on first start and kept in the data
 * folder (never in the repository); in-memory runs get a fresh one each time.
 */
export function localSecret(dataDir?: string): string {
  if (!dataDir) return randomBytes(32).toString('base64url');
  const file = join(dataDir, 'local-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** The app's dependencies for local mode: DynamoDB Local, dev tokens, the system clock unless given one. */
export function createLocalDeps(options: { endpoint: string; secret: string; tableName?: string; clock?: Clock; filesDir?: string }): AppDeps {
  const clock = options.clock ?? systemClock;
  // Attachment files: under DATA_DIR for `npm start`, a temporary folder otherwise; URLs expire by real time, like tokens.
  const files = localFileStorage({ dir: options.filesDir, secret: options.secret });
  // Tokens follow real time even when tests move the domain clock: JWT expiry is about the caller, not the market.
  const tokens = localTokens(options.secret);
  return {
    db: createDb({ tableName: options.tableName ?? LOCAL_TABLE_NAME, endpoint: options.endpoint, cursorSecret: options.secret, region: 'local' }),
    clock,
    ids: createIdGenerator(() => clock().getTime()),
    verifyToken: tokens.verifyToken,
    issueDevToken: tokens.issueDevToken,
    demoIdentities: Object.values(DEMO_IDENTITIES),
    storage: files.storage,
    fileRoutes: { path: LOCAL_FILES_PATH, routes: files.routes },
  };
}
