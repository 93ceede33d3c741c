import type { TokenVerifier } from '@sharedtech/identity';
import type { ServiceDeps } from '@sharedtech/services';

/** What the JSON API needs: the use cases' dependencies plus how bearer tokens are checked. */
export interface ApiDeps extends ServiceDeps {
  verifyToken: TokenVerifier;
  /** Present only in local mode: mints tokens for `POST /dev/token`. */
  issueDevToken?: (sub: string) => Promise<string>;
  /** Largest accepted request body in bytes. */
  maxBodyBytes?: number;
}
