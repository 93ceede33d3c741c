import { describe, expect, it } from 'vitest';
import { createIdGenerator } from '@sharedtech/core';
import type { Db } from '@sharedtech/data';
import { localTokens } from '@sharedtech/identity';
import { createWebApp } from './app.js';
import type { WebDeps } from './deps.js';

// Prepare: the sign-in page and the not-found page read no table.
const tokens = localTokens('unit-test-secret-unit-test-secret');
const unusedDb = new Proxy({}, { get: () => { throw new Error('no database in this test'); } }) as Db;
const depsWith = (icpRecordNumber?: string): WebDeps => ({
  db: unusedDb,
  clock: () => new Date(),
  ids: createIdGenerator(),
  verifyToken: tokens.verifyToken,
  issueDevToken: tokens.issueDevToken,
  icpRecordNumber,
});
const html = { accept: 'text/html' };

describe('the ICP recordal number in the footer', () => {
  it('is shown on every page, error pages included, linked to the MIIT registry', async () => {
    const app = createWebApp(depsWith('京ICP备12345678号-1'));
    for (const path of ['/signin', '/signin?lang=en', '/no-such-page']) {
      // Act
      const body = await (await app.request(path, { headers: html })).text();
      // Assess
      expect(body).toContain('<a href="https://beian.miit.gov.cn/" rel="noopener" target="_blank">京ICP备12345678号-1</a>');
    }
  });

  it('is absent where the stage has none (global regions, local mode)', async () => {
    const body = await (await createWebApp(depsWith()).request('/signin', { headers: html })).text();
    expect(body).not.toContain('beian.miit.gov.cn');
  });
});
