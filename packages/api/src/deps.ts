import type { Clock, DomainEvent, IdGenerator } from '@sharedtech/core';
import type { Db } from '@sharedtech/data';
import type { HostedSignIn, TokenVerifier } from '@sharedtech/identity';

/** Publishes domain events after their change has committed (EventBridge when deployed). */
export interface EventPublisher {
  publish(events: DomainEvent[]): Promise<void>;
}


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
  /** Deployed mode: the Cognito hosted sign-in the web pages send people to (authorization code with PKCE). */
  hostedSignIn?: HostedSignIn;
  publisher?: EventPublisher;
  /** Largest accepted request body in bytes. */
  maxBodyBytes?: number;
}
