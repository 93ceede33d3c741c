import { type ContractPool } from './pool.js';
import { TOTAL_BUCKET, monthBucket, type StatsDelta } from './stats.js';

/** The counter names the council dashboard reads (cluster scope, #TOTAL and the month of the award). */
export const poolCounter = { awarded: 'pools>AWARDED', members: 'poolMembers>AWARDED' } as const;

/** An awarded pool: one pool and its funders (the owner included) in the cluster's total and month. */
export function poolAwardDeltas(cluster: string | undefined, requestId: string, pool: ContractPool | undefined, at: string): StatsDelta[] {
  if (!cluster || !pool || pool.members.length < 2) return [];
  const add = { [poolCounter.awarded]: 1, [poolCounter.members]: pool.members.length };
  return [TOTAL_BUCKET, monthBucket(at)].map((bucket) => ({ cluster, bucket, subjectId: requestId, add }));
}
