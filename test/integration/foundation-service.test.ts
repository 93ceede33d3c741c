import { describe, expect, it } from 'vitest';
import { startTestApi } from '../support/harness.js';

/** The service endpoints of the foundation: health, the OpenAPI document, its reference page and local dev tokens. */
const api = await startTestApi();

/** Every path and method the foundation (issue #2) serves under /v1. */
const FOUNDATION_OPERATIONS: Record<string, string[]> = {
  '/v1/me': ['get'],
  '/v1/orgs': ['get', 'post'],
  '/v1/orgs/{orgId}': ['get'],
  '/v1/orgs/{orgId}/verification': ['post'],
  '/v1/orgs/{orgId}/members': ['get'],
  '/v1/requests': ['get', 'post'],
  '/v1/requests/{id}': ['get', 'patch'],
  '/v1/requests/{id}/submit': ['post'],
  '/v1/requests/{id}/review': ['post'],
  '/v1/requests/{id}/cancel': ['post'],
  '/v1/requests/{id}/close': ['post'],
  '/v1/requests/{id}/suspend': ['post'],
  '/v1/audit': ['get'],
  '/v1/notifications': ['get'],
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema: unknown }> }>;
  security?: Record<string, string[]>[];
}

/** Every `$ref` anywhere in the document. */
function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => refsIn(item, found));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.push(inner);
      else refsIn(inner, found);
    }
  }
  return found;
}

describe('GET /health', () => {
  it('answers without a token', async () => {
    const response = await api.call<any>('GET', '/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', version: expect.any(String), time: api.clock().toISOString() });
  });
});

describe('GET /openapi.json', () => {
  const load = async () => {
    const response = await api.call<any>('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    return response.body;
  };

  it('is an OpenAPI 3 document with every /v1 path of the foundation', async () => {
    // Act
    const doc = await load();

    // Assess
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    for (const [path, methods] of Object.entries(FOUNDATION_OPERATIONS)) {
      expect(Object.keys(doc.paths), path).toContain(path);
      for (const method of methods) expect(doc.paths[path][method], `${method.toUpperCase()} ${path}`).toBeDefined();
    }
    expect(doc.paths['/dev/token']?.post).toBeDefined();
  });

  it('is well-formed: responses, path parameters, security and every $ref resolve', async () => {
    const doc = await load();
    const problems: string[] = [];
    for (const [path, item] of Object.entries<Record<string, Operation>>(doc.paths)) {
      if (!path.startsWith('/')) problems.push(`${path}: does not start with /`);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        if (!HTTP_METHODS.includes(method)) {
          problems.push(`${where}: not an HTTP method`);
          continue;
        }
        const statuses = Object.keys(operation.responses ?? {});
        if (!statuses.some((status) => /^2\d\d$/.test(status))) problems.push(`${where}: no 2xx response`);
        for (const [status, response] of Object.entries(operation.responses ?? {})) {
          if (!/^[1-5](\d\d|XX)$|^default$/.test(status)) problems.push(`${where}: bad status ${status}`);
          if (typeof response.description !== 'string') problems.push(`${where} ${status}: no description`);
        }
        const parameters = operation.parameters ?? [];
        for (const parameter of parameters) {
          if (!['path', 'query', 'header', 'cookie'].includes(parameter.in)) problems.push(`${where}: parameter ${parameter.name} in ${parameter.in}`);
          if (!parameter.schema) problems.push(`${where}: parameter ${parameter.name} has no schema`);
          if (parameter.in === 'path' && parameter.required !== true) problems.push(`${where}: path parameter ${parameter.name} not required`);
        }
        const pathParameters = parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name).sort();
        if (JSON.stringify(pathParameters) !== JSON.stringify([...templated].sort())) {
          problems.push(`${where}: path parameters ${pathParameters} do not match the template ${templated}`);
        }
        for (const requirement of operation.security ?? []) {
          for (const scheme of Object.keys(requirement)) {
            if (!doc.components?.securitySchemes?.[scheme]) problems.push(`${where}: unknown security scheme ${scheme}`);
          }
        }
        if (path.startsWith('/v1/') && !(operation.security ?? []).some((requirement) => 'Bearer' in requirement)) {
          problems.push(`${where}: no bearer security`);
        }
      }
    }
    for (const ref of refsIn(doc)) {
      const target = ref.startsWith('#/') ? ref.slice(2).split('/').reduce<any>((node, part) => node?.[part], doc) : undefined;
      if (target === undefined) problems.push(`unresolved ${ref}`);
    }
    expect(problems).toEqual([]);
    expect(doc.components.securitySchemes.Bearer).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(doc.components.schemas.Error).toBeDefined();
  });
});

describe('GET /docs', () => {
  it('serves the API reference page for the OpenAPI document', async () => {
    const response = await api.call<string>('GET', '/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.body).toMatch(/<html/i);
    expect(response.body).toContain('src="/docs/reference.js"');
    expect(response.body).toContain('src="/docs/init.js"');
    const init = await api.call<string>('GET', '/docs/init.js');
    expect(init.body).toContain("url: '/openapi.json'");
  });
});

describe('POST /dev/token (local mode)', () => {
  it('mints a bearer token that authenticates as the given identity', async () => {
    // Act
    const minted = await api.call<any>('POST', '/dev/token', undefined, { sub: 'demo-enterprise' });

    // Assess
    expect(minted.status).toBe(200);
    expect(minted.body).toEqual({ token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), sub: 'demo-enterprise', tokenType: 'Bearer' });
    const me = await api.call<any>('GET', '/v1/me', minted.body.token);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ sub: 'demo-enterprise', membership: null, organisation: null });
  });

  it.each([
    ['no subject', {}, 'sub'],
    ['an empty subject', { sub: '  ' }, 'sub'],
    ['a subject with spaces', { sub: 'a b' }, 'sub'],
    ['a subject of 129 characters', { sub: 'x'.repeat(129) }, 'sub'],
    ['a subject that is not a string', { sub: 42 }, 'sub'],
    ['an unknown field', { sub: 'ok', role: 'ASSOCIATION' }, '(root)'],
  ])('refuses %s with 400 and the field path', async (_label, body, path) => {
    const response = await api.call<any>('POST', '/dev/token', undefined, body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { issues: expect.arrayContaining([expect.objectContaining({ path })]) } });
  });

  it('refuses malformed JSON with 400', async () => {
    const response = await api.call<any>('POST', '/dev/token', undefined, '{"sub":', { 'content-type': 'application/json' });
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual({ code: 'MALFORMED_JSON', message: expect.any(String), details: null });
  });
});
