import type { TestApi } from './harness.js';

/* The OpenAPI document as the tests read it: its operations, their parameters and documented statuses. */

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: { type?: string; pattern?: string; minimum?: number };
}

export interface Operation {
  /** `GET /v1/requests/{id}`: the key tests use for an operation. */
  key: string;
  method: string;
  path: string;
  parameters: Parameter[];
  pathParams: Parameter[];
  requiredQuery: Parameter[];
  hasBody: boolean;
  bodyRequired: boolean;
  secured: boolean;
  statuses: Set<number>;
}

export type OpenApiDocument = { openapi: string; paths: Record<string, Record<string, any>> };

export async function loadDocument(api: Pick<TestApi, 'call'>): Promise<OpenApiDocument> {
  const response = await api.call<OpenApiDocument>('GET', '/openapi.json');
  if (response.status !== 200) throw new Error(`/openapi.json answered ${response.status}`);
  return response.body;
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => {
        const parameters = (op.parameters ?? []) as Parameter[];
        return {
          key: `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          parameters,
          pathParams: parameters.filter((p) => p.in === 'path'),
          requiredQuery: parameters.filter((p) => p.in === 'query' && p.required),
          hasBody: Boolean(op.requestBody),
          bodyRequired: Boolean(op.requestBody?.required),
          secured: Array.isArray(op.security) && op.security.length > 0,
          statuses: new Set(Object.keys(op.responses ?? {}).map(Number)),
        };
      }),
  );
}

/** The id prefix a path or query parameter's pattern demands (`ctr` for `^ctr_…`), if it is an id. */
export const idPrefixOf = (parameter: Parameter) => parameter.schema?.pattern?.match(/^\^\(?([a-z]{3})_/)?.[1];

/** An id of that kind that no test ever creates. */
export const ghostId = (prefix: string) => `${prefix}_01JD0000000000000000000000`;

/** Fills a path template: `fill('/v1/contracts/{id}', { id: 'ctr_…' })`. */
export const fillPath = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(String(value));
  });

/**
 * Statuses seen per operation, to compare with the document at the end of a
 * suite: `record(operation, status)` while calling, then `undocumented()`.
 */
export function statusLedger() {
  const seen = new Map<string, Set<number>>();
  return {
    record(operation: Operation, status: number) {
      if (!seen.has(operation.key)) seen.set(operation.key, new Set());
      seen.get(operation.key)!.add(status);
    },
    undocumented(operations: Operation[]) {
      return operations.flatMap((operation) =>
        [...(seen.get(operation.key) ?? [])].filter((status) => !operation.statuses.has(status)).map((status) => `${operation.key} → ${status}`),
      );
    },
    seen,
  };
}
