import { OpenAPIHono } from '@hono/zod-openapi';
import { ValidationError } from '@sharedtech/core';
import { zodIssues } from '../middleware/errors.js';

/**
 * Every sub-app is built by this factory so they share one validation hook:
 * a zod failure becomes the error body with field paths, from any route.
 */
export function createRouter() {
  return new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = zodIssues(result.error);
        throw new ValidationError(issues.length === 1 ? `${issues[0]!.path}: ${issues[0]!.message}` : 'The request is not valid.', issues);
      }
    },
  });
}

/** OpenAPI security requirement for bearer-protected routes. */
export const bearer = [{ Bearer: [] }];
