import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ApiDeps } from './deps.js';
import { referenceDocumentApp } from './reference.js';
import { mountRouteModules, resourceOfPath, RESOURCES, routerKeyOfPath, routerKeysOf, ROUTE_MODULES } from './route-table.js';

describe('the route table', () => {
  it('dispatches every route of every module to a router of the module’s own (none is unreachable)', async () => {
    const misrouted: string[] = [];
    for (const module of ROUTE_MODULES) {
      const router = new Hono();
      await mountRouteModules(router, [module], {} as ApiDeps);
      for (const route of router.routes) {
        const path = route.path.replace(/:[^/]+/g, 'x');
        const key = routerKeyOfPath(path);
        if (resourceOfPath(path) !== module.resource || !key || !routerKeysOf(module).includes(key)) misrouted.push(`${route.method} ${route.path}: ${key} ∉ ${routerKeysOf(module)}`);
      }
    }
    expect(misrouted).toEqual([]);
    expect(ROUTE_MODULES.length).toBeGreaterThan(40);
  });

  it('loads for a sub-resource only the modules that claim it, and for the resource itself the others', () => {
    const modulesFor = (path: string) => ROUTE_MODULES.filter((module) => routerKeysOf(module).includes(routerKeyOfPath(path)!)).length;
    expect(routerKeyOfPath('/v1/requests')).toBe('requests');
    expect(routerKeyOfPath('/v1/requests/req_1/bids')).toBe('requests/*/bids');
    expect(routerKeyOfPath('/v1/requests/req_1/close')).toBe('requests');
    expect(routerKeyOfPath('/v1/contracts/ctr_1/milestones/1/participation')).toBe('contracts/*/milestones');
    expect(routerKeyOfPath('/v1/me/export')).toBe('me/export');
    expect(routerKeyOfPath('/v1/contracts/ctr_1/ledger.csv')).toBe('contracts/*/ledger');
    expect(modulesFor('/v1/requests')).toBe(1);
    expect(modulesFor('/v1/requests/req_1/bids')).toBe(1);
    expect(modulesFor('/v1/contracts/ctr_1/milestones/1/fund')).toBe(2);
  });

  it('has every route the modules serve described in the reference, those served without the validation layer too', async () => {
    const served = new Hono();
    await mountRouteModules(served, ROUTE_MODULES, {} as ApiDeps);
    const routes = new Set(served.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:([^/]+)/g, '{$1}')}`));
    const document = (await (await (await referenceDocumentApp({} as ApiDeps)).request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const described = new Set(Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`)));
    expect(routes.has('get /v1/me')).toBe(true);
    expect([...routes].filter((route) => !described.has(route))).toEqual([]);
  });

  it('names resources by the first segment, or the first two where they are a resource of their own', () => {
    expect(resourceOfPath('/v1/me')).toBe('me');
    expect(resourceOfPath('/v1/me/export')).toBe('me/export');
    expect(resourceOfPath('/v1/contracts/ctr_1/milestones/1/submit')).toBe('contracts');
    expect(resourceOfPath('/v1/registrations.csv')).toBe('registrations');
    expect(resourceOfPath('/v1/council/dashboard.csv')).toBe('council');
    expect(resourceOfPath('/v1/')).toBeUndefined();
    expect(resourceOfPath('/v1/nothing/here')).toBe('nothing');
    expect(RESOURCES.has('nothing')).toBe(false);
  });
});
