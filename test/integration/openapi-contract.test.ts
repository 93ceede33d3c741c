import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { createApp } from '@sharedtech/app';
import { startTestApi } from '../support/harness.js';
import { consortium, uniqueSub } from '../support/fixtures.js';
import { fillPath, ghostId, idPrefixOf, loadDocument, operationsOf, statusLedger, type Operation } from '../support/openapi.js';

/**
 * The OpenAPI document tells a client every response it can get (issue 16,
 * defect 5): it is valid OpenAPI 3, and every status that a few bad inputs on
 * every operation of the document draw from the real app is documented for
 * that operation — 415 for a wrong content type, 413 over the body limit, 400,
 * 401, 404, and 503 when the database is throttling.
 */
const api = await startTestApi();
const { enterprise } = await consortium(api);
const doc = await loadDocument(api);
const operations = operationsOf(doc);
const ledger = statusLedger();

/** Path values that exist nowhere: right kind, unknown id. */
function ghostPath(operation: Operation) {
  const values: Record<string, string | number> = {};
  for (const parameter of operation.pathParams) {
    const prefix = idPrefixOf(parameter);
    values[parameter.name] = prefix ? ghostId(prefix) : parameter.schema?.type === 'integer' ? 1 : 'x';
  }
  return fillPath(operation.path, values);
}

function requiredQuery(operation: Operation) {
  const pairs = operation.requiredQuery.map((parameter) => {
    const prefix = parameter.schema?.pattern?.includes('organisation|request') ? 'request:req' : idPrefixOf(parameter);
    return `${parameter.name}=${encodeURIComponent(prefix ? `${prefix}_01JD0000000000000000000000` : 'smart-manufacturing')}`;
  });
  return pairs.length ? `?${pairs.join('&')}` : '';
}

async function send(operation: Operation, path: string, init: { token?: string; body?: string; contentType?: string; headers?: Record<string, string> } = {}) {
  const response = await api.call<any>(operation.method, path, init.token, init.body, {
    // A well-formed key wherever one is read, so each probe is refused for what it is about.
    ...(operation.parameters.some((p) => p.name === 'idempotency-key') ? { 'idempotency-key': `probe-${uniqueSub('key')}` } : {}),
    ...(init.contentType ? { 'content-type': init.contentType } : {}),
    ...(init.headers ?? {}),
  });
  ledger.record(operation, response.status);
  if (response.status >= 400 && response.headers.get('content-type')?.includes('json')) {
    expect(Object.keys(response.body), `${operation.key} → ${response.status}`).toEqual(['error']);
  }
  return response;
}

const HUGE = JSON.stringify({ padding: 'x'.repeat(70 * 1024) });

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('documents the statuses every operation can give by its shape', () => {
    const missing: string[] = [];
    for (const operation of operations) {
      const want = [
        ...(operation.hasBody ? [400, 413, 415] : []),
        ...(['POST', 'PATCH', 'PUT', 'DELETE'].includes(operation.method) ? [413] : []),
        ...(operation.pathParams.length || operation.requiredQuery.length ? [400] : []),
        ...(operation.parameters.some((p) => p.name === 'idempotency-key') ? [422] : []),
        ...(operation.secured ? [401, 429, 503] : []),
      ];
      for (const status of want) if (!operation.statuses.has(status)) missing.push(`${operation.key} ${status}`);
    }
    expect(missing).toEqual([]);
  });

  it('every status drawn by bad input from every operation is documented for it', { timeout: 120_000 }, async () => {
    const token = enterprise.caller.token;
    for (const operation of operations) {
      const path = ghostPath(operation) + requiredQuery(operation);
      // No token at all.
      if (operation.secured) expect((await send(operation, path)).status, operation.key).toBe(401);
      // Ids that do not exist, with an empty JSON body where one is read.
      await send(operation, path, { token, ...(operation.hasBody ? { body: '{}', contentType: 'application/json' } : {}) });
      // A malformed id in the path.
      if (operation.pathParams.some((p) => idPrefixOf(p))) {
        const malformed = operation.path.replace(/\{(\w+)\}/g, (_w, name) => (name === 'n' ? '1' : 'not-an-id'));
        expect((await send(operation, malformed + requiredQuery(operation), { token })).status, operation.key).toBe(400);
      }
      // A required query parameter left out.
      if (operation.requiredQuery.length) expect((await send(operation, ghostPath(operation), { token })).status, operation.key).toBe(400);
      if (operation.hasBody) {
        expect((await send(operation, path, { token, body: '{"a":1}', contentType: 'text/plain' })).status, operation.key).toBe(415);
        expect((await send(operation, path, { token, body: '{"a":', contentType: 'application/json' })).status, operation.key).toBeGreaterThanOrEqual(400);
        await send(operation, path, { token, body: '[1,2]', contentType: 'application/json' });
        await send(operation, path, { token, body: '{}', contentType: 'application/json', headers: { 'idempotency-key': 'bad key with spaces' } });
      }
      if (['POST', 'PATCH', 'PUT', 'DELETE'].includes(operation.method)) {
        expect((await send(operation, path, { token, body: HUGE, contentType: 'application/json' })).status, operation.key).toBe(413);
      }
      // Signed in without an organisation.
      if (operation.secured) {
        const newcomer = await api.as(uniqueSub('newcomer'));
        await send(operation, path, { token: newcomer.token, ...(operation.hasBody ? { body: '{}', contentType: 'application/json' } : {}) });
      }
    }
    expect(ledger.undocumented(operations)).toEqual([]);
    // The suite did reach the statuses it is about.
    const all = new Set([...ledger.seen.values()].flatMap((set) => [...set]));
    for (const status of [400, 401, 403, 404, 413, 415]) expect(all.has(status), String(status)).toBe(true);
  });

  it('every authenticated operation documents the 503 it gives when the database is throttling', async () => {
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ThrottlingException' });
    const faulty = createApp({ ...api.deps, db: { ...api.deps.db, doc: { send: async () => Promise.reject(throttled) } as never } });
    const token = enterprise.caller.token;
    for (const operation of operations.filter((op) => op.secured)) {
      const response = await faulty.request(ghostPath(operation) + requiredQuery(operation), {
        method: operation.method,
        headers: { authorization: `Bearer ${token}`, ...(operation.hasBody ? { 'content-type': 'application/json' } : {}) },
        body: operation.hasBody ? '{}' : undefined,
      });
      ledger.record(operation, response.status);
      expect(response.status, operation.key).toBe(503);
      expect(response.headers.get('retry-after'), operation.key).toBe('1');
    }
    expect(ledger.undocumented(operations)).toEqual([]);
  });
});
