import type { Clock, DomainEvent, IdGenerator } from '@sharedtech/core';
import type { Db } from '@sharedtech/data';

/** Verifies a bearer token and returns its subject; throws UnauthenticatedError otherwise. */
export type TokenVerifier = (token: string) => Promise<{ sub: string }>;

/** An OAuth 2.0 authorization server the web pages sign in through (Cognito's hosted UI when deployed). */
export interface HostedSignIn {
  /** Where to send the browser: the authorize URL for this redirect, state and S256 code challenge. */
  authorizeUrl(input: { redirectUri: string; state: string; codeChallenge: string }): string;
  /** Where to send the browser to end the hosted session too, coming back to `redirectUri`. */
  logoutUrl(input: { redirectUri: string }): string;
  /** Redeems an authorization code for the ID token of the person who signed in. */
  exchangeCode(input: { code: string; redirectUri: string; codeVerifier: string }): Promise<string>;
}

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
