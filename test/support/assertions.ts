import { expect } from 'vitest';
import type { ApiResponse } from './harness.js';

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
