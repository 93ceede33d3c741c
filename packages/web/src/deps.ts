import type { HostedSignIn, TokenVerifier } from '@sharedtech/identity';
import type { ServiceDeps } from '@sharedtech/services';

/** What the pages need: the use cases' dependencies plus how people sign in. */
export interface WebDeps extends ServiceDeps {
  /** Checks the token kept in the session cookie. */
  verifyToken: TokenVerifier;
  /** Present only in local mode: mints tokens for the sign-in page's identity picker. */
  issueDevToken?: (sub: string) => Promise<string>;
  /** Local mode: identities the web sign-in page offers in its picker (the demo seed's). */
  demoIdentities?: readonly string[];
  /** Deployed mode: the hosted sign-in the web pages send people to (authorization code with PKCE). */
  hostedSignIn?: HostedSignIn;
  /** The site's ICP recordal number (备案号), shown in every page footer and linked to the MIIT registry; required in mainland China. */
  icpRecordNumber?: string;
  /** Deployed: the attachment storage's origin (the S3 bucket), which the page script uploads to directly. */
  uploadOrigins?: readonly string[];
}
