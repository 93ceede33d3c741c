import { ConflictError, DomainError, type Principal } from '@sharedtech/core';
import type { AppDeps } from '@sharedtech/app';
import { loadPrincipal } from '@sharedtech/services';

const MAX_ATTEMPTS = 8;

/** What every stage gets: the app's dependencies, the instant the seed began (all demo dates are relative to it), and who is who. */
export class DemoContext {
  private wrote = false;
  private readonly principals = new Map<string, Promise<Principal>>();

  constructor(
    readonly deps: AppDeps,
    readonly now: Date,
  ) {}

  /**
   * The caller as stored (strongly consistent), as a request would load it. Kept
   * for the rest of the stage: a stage that changes organisations or memberships
   * reads with `fresh` instead.
   */
  as(sub: string): Promise<Principal> {
    let principal = this.principals.get(sub);
    if (!principal) {
      principal = loadPrincipal(this.deps.db, sub);
      principal.catch(() => this.principals.delete(sub));
      this.principals.set(sub, principal);
    }
    return principal;
  }

  /** The caller as stored now, not kept. */
  fresh(sub: string): Promise<Principal> {
    this.principals.delete(sub);
    return loadPrincipal(this.deps.db, sub);
  }

  /** The organisation `sub` belongs to; the organisations stage has made it. */
  async orgOf(sub: string): Promise<string> {
    const principal = await this.as(sub);
    if (!principal.membership) throw new Error(`Demo seed: ${sub} has no organisation; run the organisations stage first.`);
    return principal.membership.orgId;
  }

  /** A stage calls this whenever it changed something, so a run that changes nothing says so. */
  changed(): void {
    this.wrote = true;
  }

  /** Whether anything was written since the last call; forgets the callers read, since the next stage may change them. */
  endStage(): boolean {
    const wrote = this.wrote;
    this.wrote = false;
    this.principals.clear();
    return wrote;
  }

  /**
   * Runs independent stories side by side. Two stories may touch one item (a
   * statistics shard, an organisation's totals) in concurrent transactions;
   * the loser's transaction writes nothing and the story, which only adds what
   * is missing, simply runs again.
   */
  parallel<T, R>(stories: readonly T[], tell: (story: T) => Promise<R>): Promise<R[]> {
    return Promise.all(stories.map((story) => this.retrying(() => tell(story))));
  }

  private async retrying<R>(tell: () => Promise<R>): Promise<R> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await tell();
      } catch (error) {
        const concurrent = (error instanceof ConflictError && ['CONCURRENT_UPDATE', 'CONFLICT'].includes(error.code)) || (error instanceof DomainError && error.status === 503);
        if (!concurrent || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * attempt));
      }
    }
  }
}

/** One named part of the demo: it looks at what exists and adds only what is missing, so it can run any number of times. */
export interface DemoStage {
  name: string;
  run(ctx: DemoContext): Promise<void>;
}
