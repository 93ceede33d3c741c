import { monotonicFactory } from 'ulid';

/** Entity id prefixes: ids read as what they name, and sort by creation time (ULID). */
export const ID_PREFIX = {
  org: 'org',
  request: 'req',
  bid: 'bid',
  contract: 'ctr',
  dispute: 'dsp',
  entry: 'jnl',
  statement: 'stm',
  audit: 'aud',
  notification: 'ntf',
  question: 'qst',
  message: 'msg',
  memberInvitation: 'minv',
  change: 'chg',
  review: 'rev',
  invitation: 'inv',
  appointment: 'apt',
  resource: 'res',
  booking: 'bkg',
  attachment: 'att',
  person: 'per',
  studentRecord: 'rec',
  programme: 'prg',
  application: 'sap',
} as const;
export type IdKind = keyof typeof ID_PREFIX;

const ULID_PATTERN = '[0-9A-HJKMNP-TV-Z]{26}';

/** Regex for a well-formed id of one kind; anything else is rejected before it reaches the database. */
export const idPattern = (kind: IdKind) => new RegExp(`^${ID_PREFIX[kind]}_${ULID_PATTERN}$`);

export type IdGenerator = (kind: IdKind) => string;

/** Monotonic within a process so ids made in the same millisecond still sort in creation order. */
export function createIdGenerator(now: () => number = Date.now): IdGenerator {
  const next = monotonicFactory();
  return (kind) => `${ID_PREFIX[kind]}_${next(now())}`;
}
