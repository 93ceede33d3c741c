import type { Principal } from '@sharedtech/core';
import type { AppDeps } from '@sharedtech/app';
import { loadPrincipal } from '@sharedtech/services';

/** What every stage gets: the app's dependencies, the instant the seed began (all demo dates are relative to it), and who is who. */
export class DemoContext {
  private wrote = false;

  constructor(
    readonly deps: AppDeps,
    readonly now: Date,
  ) {}

  /** The caller as stored now (strongly consistent), as every request would load it. */
  as(sub: string): Promise<Principal> {
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

  /** Whether anything was written since the last call (and resets it). */
  takeChanged(): boolean {
    const wrote = this.wrote;
    this.wrote = false;
    return wrote;
  }
}

/** One named part of the demo: it looks at what exists and adds only what is missing, so it can run any number of times. */
export interface DemoStage {
  name: string;
  run(ctx: DemoContext): Promise<void>;
}
