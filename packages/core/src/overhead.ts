import { z } from 'zod';
import { ValidationError } from './errors.js';
import { balancedPostings, ledgerAccount, type Posting } from './ledger.js';
import { allocateByBps, WHOLE_BPS } from './money.js';

/**
 * College overhead (学校管理费): a college takes a share of what its studios
 * earn on horizontal projects (横向课题经费). The college sets the rate
 * (versioned); the rate in force at a contract's last signature is recorded
 * on the contract, and every RELEASE and SPLIT posts the studio's amount split
 * between the studio's and the college's earnings in the same entry.
 */

export const overheadRateSchema = z.object({
  collegeOrgId: z.string(),
  bps: z.number().int(),
  /** 1 for the first rate set, +1 per change. */
  version: z.number().int(),
  setBy: z.string(),
  at: z.string(),
});
export type OverheadRate = z.infer<typeof overheadRateSchema>;

/** The rate recorded on a contract at activation. */
export const contractOverheadSchema = z.object({ collegeOrgId: z.string(), bps: z.number().int(), version: z.number().int() });
export type ContractOverhead = z.infer<typeof contractOverheadSchema>;

export function assertOverheadBps(bps: number, path = 'bps'): void {
  if (!Number.isInteger(bps) || bps < 0 || bps > WHOLE_BPS) throw ValidationError.field(path, 'An overhead rate is 0 to 10000 basis points.', 'BPS_RANGE');
}

/** The studio's and the college's parts of an amount at `bps` overhead (largest remainder; they sum to the amount). */
export function overheadSplit(amount: number, bps: number): { studio: number; college: number } {
  assertOverheadBps(bps);
  const [studio, college] = allocateByBps(amount, [
    { key: 'studio', bps: WHOLE_BPS - bps },
    { key: 'college', bps },
  ]);
  return { studio: studio!.amount, college: college!.amount };
}

/**
 * A composable step after `releasePostings` / `splitPostings`: the posting to
 * the studio's earnings is divided between the studio and its college by the
 * contract's overhead rate. Without a rate (or at 0) the postings are unchanged.
 */
export function withOverhead(postings: readonly Posting[], studioOrgId: string, overhead: ContractOverhead | undefined): Posting[] {
  if (!overhead || overhead.bps === 0) return [...postings];
  const studioAccount = ledgerAccount.earnings(studioOrgId);
  return balancedPostings(
    postings.flatMap((posting) => {
      if (posting.account !== studioAccount) return [posting];
      const { studio, college } = overheadSplit(posting.amount, overhead.bps);
      return [
        { account: studioAccount, amount: studio },
        { account: ledgerAccount.earnings(overhead.collegeOrgId), amount: college },
      ];
    }),
  );
}
