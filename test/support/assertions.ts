import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import type { ApiResponse, TestApi } from './harness.js';

/**
 * The error body of PRODUCT.md §5, exactly: `{"error": {"code", "message", "details"}}` with the
 * expected status (and code, when given), and never a stack trace.
 */
export function expectError(response: ApiResponse, status: number, code?: string) {
  expect(response.status, JSON.stringify(response.body)?.slice(0, 500)).toBe(status);
  expect(Object.keys(response.body)).toEqual(['error']);
  expect(response.body.error).toEqual({
    code: code ?? expect.any(String),
    message: expect.any(String),
    details: expect.toSatisfy((value: unknown) => value !== undefined),
  });
  expect(JSON.stringify(response.body)).not.toMatch(/\bat \S+:\d+:\d+|node_modules/);
}

/** The field paths a validation error names. */
export const issuePaths = (response: ApiResponse) => (response.body.error.details.issues as { path: string }[]).map((issue) => issue.path);

/** The ids of a list page's items, in order. */
export const itemIds = (response: ApiResponse) => (response.body.items as { id: string }[]).map((item) => item.id);

/** Items in a test file's table: the ground truth that a refused call wrote nothing (a test-only Scan). */
export async function tableItemCount(api: TestApi): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await api.deps.db.doc.send(new ScanCommand({ TableName: api.tableName, Select: 'COUNT', ExclusiveStartKey: start }));
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}
