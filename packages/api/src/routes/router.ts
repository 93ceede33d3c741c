import { OpenAPIHono } from '@hono/zod-openapi';
import { ValidationError, type FieldIssue } from '@sharedtech/core';
import { zodIssues } from '../middleware/errors.js';

/** An unknown query parameter is reported under its own name (`details.issues[].path`), one issue per parameter. */
function namingUnknownParameters(issues: FieldIssue[], error: { issues: readonly { code: string; keys?: readonly string[] }[] }): FieldIssue[] {
  return error.issues.flatMap((issue, index) =>
    issue.code === 'unrecognized_keys' && issue.keys
      ? issue.keys.map((key) => ({ path: key, message: `Unknown query parameter "${key}".`, code: 'UNKNOWN_PARAMETER' }))
      : [issues[index]!],
  );
}

/**
 * Every sub-app is built by this factory so they share one validation hook:
 * a zod failure becomes the error body with field paths, from any route.
 */
export function createRouter() {
  return new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.target === 'query' ? namingUnknownParameters(zodIssues(result.error), result.error) : zodIssues(result.error);
        throw new ValidationError(issues.length === 1 ? `${issues[0]!.path}: ${issues[0]!.message}` : 'The request is not valid.', issues);
      }
    },
  });
}

/** OpenAPI security requirement for bearer-protected routes. */
export const bearer = [{ Bearer: [] }];
