import { monthBucket, TOTAL_BUCKET, type StatsDelta } from './stats.js';

// ── Counters (the council dashboard reads these names) ──────────────────────

export const programmeCounter = {
  /** Fen reserved at approval. */
  approved: 'subsidy>APPROVED',
  /** Fen of subsidy posted in FUND entries. */
  paid: 'subsidy>PAID',
  /** Fen of reservation returned to a programme. */
  returned: 'subsidy>RETURNED',
} as const;

/** The statistics scope of one programme. */
export const programmeStatsScope = (programmeId: string) => `prog~${programmeId}`;

/** One subsidy movement in the cluster's and the programme's #TOTAL and month buckets. */
export function subsidyDeltas(
  name: (typeof programmeCounter)[keyof typeof programmeCounter],
  cluster: string | undefined,
  programmeId: string,
  subjectId: string,
  amount: number,
  at: string,
): StatsDelta[] {
  if (amount === 0) return [];
  const scopes = [...(cluster ? [cluster] : []), programmeStatsScope(programmeId)];
  return scopes.flatMap((scope) =>
    [TOTAL_BUCKET, monthBucket(at)].map((bucket) => ({ cluster: scope, bucket, subjectId, add: { [name]: amount } })),
  );
}
