import type { AppDeps } from '@sharedtech/app';
import { DemoContext, type DemoStage } from './demo/context.js';
import { membersStage, organisationsStage } from './demo/organisations.js';
import { openRequestsStage } from './demo/requests.js';
import { contractsStage } from './demo/contracts.js';
import { appointmentsStage } from './demo/talent.js';
import { resourcesStage } from './demo/resources.js';
import { overheadStage, peopleStage, rostersStage } from './demo/people.js';
import { programmesStage } from './demo/programmes.js';
import { poolsStage } from './demo/pools.js';

export { DEMO_CREDIT_CODES, DEMO_IDENTITIES } from './demo/cast.js';
export type { DemoStage } from './demo/context.js';

/**
 * The demo consortium of `npm start`, stage by stage, in this order (later
 * stages use what earlier ones made): organisations, their rosters of people
 * and the open market (every bid names roster people), the members who sign in
 * (the teacher and the engineer linked to their person), the colleges' overhead rates (before
 * any contract is signed, so they are recorded on the contracts), the
 * government's subsidy programme, the contracts (dual-mentor teams, enterprise
 * mentors, registration types, a programme grant, signed-off participation,
 * student records and yearly statements), pooled requests, appointments and
 * shared resources.
 */
export const DEMO_STAGES: readonly DemoStage[] = [
  organisationsStage, rostersStage, openRequestsStage, membersStage, peopleStage, overheadStage, programmesStage, contractsStage, poolsStage, appointmentsStage, resourcesStage,
];

/** The demo's organisations, their rosters and the open market only (served first by `npm start`; also for tests that need the demo identities, not the whole demo). */
export const DEMO_BASE_STAGES: readonly DemoStage[] = [organisationsStage, rostersStage, openRequestsStage];

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
