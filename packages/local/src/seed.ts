import type { AppDeps } from '@sharedtech/app';
import { DemoContext, type DemoStage } from './demo/context.js';
import { membersStage, organisationsStage } from './demo/organisations.js';
import { openRequestsStage } from './demo/requests.js';
import { contractsStage } from './demo/contracts.js';
import { appointmentsStage } from './demo/talent.js';
import { resourcesStage } from './demo/resources.js';

export { DEMO_CREDIT_CODES, DEMO_IDENTITIES } from './demo/cast.js';
export type { DemoStage } from './demo/context.js';

/**
 * The demo consortium of `npm start`, stage by stage, in this order (later
 * stages use what earlier ones made). Next additions, each a stage of its own
 * appended here as its feature lands: pooled requests (a pool of enterprises
 * awarding one request), subsidy programmes with their approvals, the
 * colleges' overhead on contracts, rosters of people with dual-mentor teams
 * named on bids and signed-off student participation records, and the
 * technology contract types (技术开发、技术服务、技术咨询、技术转让).
 */
export const DEMO_STAGES: readonly DemoStage[] = [organisationsStage, openRequestsStage, membersStage, contractsStage, appointmentsStage, resourcesStage];

/** The demo's organisations and open market only: for tests that need the demo identities, not the whole demo. */
export const DEMO_BASE_STAGES: readonly DemoStage[] = [organisationsStage, openRequestsStage];

export interface SeedReport {
  /** Whether this run wrote anything (false: the demo was already complete). */
  created: boolean;
  stages: { name: string; created: boolean; ms: number }[];
  ms: number;
}

/**
 * Seeds the demo consortium through the same services the API uses, so the
 * demo data has audit trails, notifications, counters and ledger entries like
 * real data. Every step first looks at what exists, so running it again (or
 * after a crash half-way, or on a restart of `npm start`) adds nothing twice.
 * Dates (deadlines, due dates, appointments, bookings) are relative to
 * `deps.clock()` at the start of the run.
 */
export async function seedDemoConsortium(deps: AppDeps, stages: readonly DemoStage[] = DEMO_STAGES): Promise<SeedReport> {
  const started = Date.now();
  const ctx = new DemoContext(deps, deps.clock());
  const report: SeedReport['stages'] = [];
  for (const stage of stages) {
    const stageStarted = Date.now();
    await stage.run(ctx);
    report.push({ name: stage.name, created: ctx.endStage(), ms: Date.now() - stageStarted });
  }
  return { created: report.some((stage) => stage.created), stages: report, ms: Date.now() - started };
}
