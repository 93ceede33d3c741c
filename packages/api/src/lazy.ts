import type { Handler, Hono } from 'hono';

type Fetching = Pick<Hono<any, any, any>, 'fetch'>;

/**
 * An app built on the first request that needs it: whatever it imports
 * (`import()`) is loaded then, not at start-up. A failed build is retried by
 * the next request, not kept.
 */
export function lazyApp(build: () => Promise<Fetching>) {
  let app: Promise<Fetching> | undefined;
  let built = false;
  const handler: Handler = async (c) => {
    app ??= build().then(
      (ready) => {
        built = true;
        return ready;
      },
      (error: unknown) => {
        app = undefined;
        throw error;
      },
    );
    return (await app).fetch(c.req.raw, c.env);
  };
  return { handler, built: () => built };
}

/** A handler that hands each request to an app built on the first request that needs it (see lazyApp). */
export const servedLazily = (build: () => Promise<Fetching>): Handler => lazyApp(build).handler;
