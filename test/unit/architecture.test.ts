import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layout is part of the design, so it is checked like behaviour: the
 * import graph of every workspace has no cycle, each package is entered only
 * through what its package.json exports (its index), and the layers point one
 * way — core ← data ← services ← api/web ← app ← local/functions.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const WORKSPACES = ['packages/core', 'packages/data', 'packages/identity', 'packages/services', 'packages/api', 'packages/web', 'packages/app', 'packages/local', 'functions', 'infra'];

/** Which workspace packages each workspace may import (tests of a package may use the same ones). */
const ALLOWED: Record<string, string[]> = {
  core: [],
  data: ['core'],
  identity: ['core'],
  services: ['core', 'data'],
  api: ['core', 'identity', 'services'],
  web: ['core', 'identity', 'services'],
  app: ['core', 'api', 'web'],
  local: ['core', 'data', 'identity', 'services', 'app'],
  functions: ['core', 'data', 'identity', 'services', 'app'],
  infra: ['core', 'data', 'services', 'functions'],
};

/** A package's own tests may also build a table client (fault injection) and sign tokens. */
const TEST_ALSO = ['data', 'identity'];

interface Workspace {
  name: string;
  dir: string;
  exports: Map<string, string>;
}

const workspaces: Workspace[] = WORKSPACES.map((dir) => {
  const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, string> };
  const exports = new Map(Object.entries(manifest.exports ?? {}).map(([key, target]) => [key, resolve(ROOT, dir, target)]));
  return { name: manifest.name.replace('@sharedtech/', ''), dir: resolve(ROOT, dir), exports };
});

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'cdk.out') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry) && !entry.endsWith('.d.ts') ? [path] : [];
  });

const workspaceOf = (file: string) => workspaces.find((workspace) => file.startsWith(workspace.dir + '/'));

/** Resolves `./x.js` to the TypeScript file that compiles to it. */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

interface Edge {
  from: string;
  to: string;
  specifier: string;
}

const violations: string[] = [];
const edges: Edge[] = [];
const files = workspaces.flatMap((workspace) => sourceFiles(workspace.dir));

for (const file of files) {
  const own = workspaceOf(file)!;
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  for (const { fileName: specifier } of importedFiles) {
    const where = relative(ROOT, file);
    if (specifier.startsWith('.')) {
      const target = resolveRelative(file, specifier);
      if (!target) continue;
      const targetWorkspace = workspaceOf(target);
      if (targetWorkspace && targetWorkspace !== own) violations.push(`${where}: reaches into ${targetWorkspace.name} by a relative path (${specifier})`);
      else edges.push({ from: file, to: target, specifier });
      continue;
    }
    const match = specifier.match(/^@sharedtech\/([a-z-]+)(\/.*)?$/);
    if (!match) continue;
    const target = workspaces.find((workspace) => workspace.name === match[1]);
    if (!target) {
      violations.push(`${where}: imports an unknown workspace ${specifier}`);
      continue;
    }
    const subpath = `.${match[2] ?? ''}`;
    const exported = [...target.exports.entries()].find(([key]) => key === subpath || (key.endsWith('*') && subpath.startsWith(key.slice(0, -1))));
    if (!exported) violations.push(`${where}: imports ${specifier}, which ${target.name} does not export (use its index)`);
    const allowed = file.endsWith('.test.ts') ? [...ALLOWED[own.name]!, ...TEST_ALSO] : ALLOWED[own.name]!;
    if (target !== own && !allowed.includes(target.name)) violations.push(`${where}: ${own.name} may not depend on ${target.name}`);
    if (exported) {
      const entry = exported[0].endsWith('*') ? resolveRelative(join(target.dir, 'x'), `./${exported[1].slice(target.dir.length + 1).replace('*', subpath.slice(exported[0].length - 1))}`) : exported[1];
      if (entry) edges.push({ from: file, to: entry, specifier });
    }
  }
}

/** Strongly connected components of more than one file (or a file importing itself): Tarjan's algorithm. */
function cycles(): string[][] {
  const next = new Map<string, string[]>();
  for (const edge of edges) next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(relative(ROOT, member));
      } while (member !== node);
      if (component.length > 1 || (next.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return found;
}

describe('the layout', () => {
  it('reads every workspace (the check is looking at real code)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(300);
  });

  it('has no import cycle anywhere', () => {
    expect(cycles()).toEqual([]);
  });

  it('uses each package only through its exports, and layers point one way', () => {
    expect(violations).toEqual([]);
  });
});
