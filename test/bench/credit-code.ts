import { randomInt } from 'node:crypto';
import { CREDIT_CODE_ALPHABET, withCreditCodeCheck } from '@sharedtech/core';

/** A fresh valid unified social credit code (random organisation code, GB 32100-2015 check character) for a benchmark's registrations. */
export function benchCreditCode(): string {
  let body = '';
  for (let i = 0; i < 9; i += 1) body += CREDIT_CODE_ALPHABET[randomInt(CREDIT_CODE_ALPHABET.length)];
  return withCreditCodeCheck(`91440300${body}`);
}
