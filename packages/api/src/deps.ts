import type { Clock, DomainEvent, IdGenerator } from '@sharedtech/core';
import type { Db } from '@sharedtech/data';

/** Verifies a bearer token and returns its subject; throws UnauthenticatedError otherwise. */
export type TokenVerifier = (token: string) => Promise<{ sub: string }>;

/** Publishes domain events after their change has committed (EventBridge when deployed). */
export interface EventPublisher {
  publish(events: DomainEvent[]): Promise<void>;
}

export const noopPublisher: EventPublisher = { publish: async () => {} };

/** Everything the app needs from the outside world, injected so tests and both runtimes build the same app. */
export interface AppDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  verifyToken: TokenVerifier;
  /** Present only in local mode: mints tokens for `POST /dev/token`. */
  issueDevToken?: (sub: string) => Promise<string>;
  /** Local mode: identities the web sign-in page offers in its picker (the demo seed's). */
  demoIdentities?: readonly string[];
  /**
   * Deployed mode: the Cognito hosted sign-in URL (implicit grant, `response_type=token`,
   * `redirect_uri` = `<site>/auth/callback`); the web sign-in page links to it.
   */
  signInUrl?: string;
  publisher?: EventPublisher;
  /** Largest accepted request body in bytes. */
  maxBodyBytes?: number;
}
