import { z } from 'zod';

/**
 * One thread per contract for its parties (enterprise, studio, college,
 * government funder). Associations do not take part in the conversation, but
 * while a dispute on the contract is open they read it: the thread is the
 * record a moderator decides on.
 */
export const contractMessageSchema = z.object({
  id: z.string(),
  contractId: z.string(),
  authorOrgId: z.string(),
  authorSub: z.string(),
  authorName: z.string().optional(),
  text: z.string(),
  at: z.string(),
});
export type ContractMessage = z.infer<typeof contractMessageSchema>;

/** What a reader may do with a contract's thread. */
export function threadAccess(input: { parties: readonly string[]; viewerOrgId?: string; isAssociation: boolean; disputeOpen: boolean }): 'WRITE' | 'READ' | 'NONE' {
  if (input.viewerOrgId && input.parties.includes(input.viewerOrgId)) return 'WRITE';
  if (input.isAssociation && input.disputeOpen) return 'READ';
  return 'NONE';
}
