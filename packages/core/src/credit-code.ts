/**
 * The unified social credit code (统一社会信用代码) of a registered body, GB 32100-2015:
 * 18 characters from a 31-character alphabet (digits and capital letters without
 * I, O, Z, S and V): the registering authority (1), the kind of body (1), the
 * administrative division (6 digits), the organisation code (9) and a check
 * character computed over the first 17 with fixed weights (3^i mod 31).
 */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
export const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
export const CREDIT_CODE_LENGTH = 18;

/** The check character of the first 17 characters of a code (undefined when one is outside the alphabet). */
export function creditCodeCheckCharacter(first17: string): string | undefined {
  if (first17.length !== CREDIT_CODE_LENGTH - 1) return undefined;
  let sum = 0;
  for (let i = 0; i < first17.length; i += 1) {
    const value = CREDIT_CODE_ALPHABET.indexOf(first17[i]!);
    if (value < 0) return undefined;
    sum += value * CREDIT_CODE_WEIGHTS[i]!;
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31];
}

export type CreditCodeProblem = 'LENGTH' | 'CHARACTERS' | 'DIVISION' | 'CHECKSUM';

/** Why a code is not a valid unified social credit code, or undefined when it is. Expects the normalised form. */
export function creditCodeProblem(code: string): CreditCodeProblem | undefined {
  if (code.length !== CREDIT_CODE_LENGTH) return 'LENGTH';
  if (![...code].every((char) => CREDIT_CODE_ALPHABET.includes(char))) return 'CHARACTERS';
  if (!/^\d{6}$/.test(code.slice(2, 8))) return 'DIVISION';
  if (creditCodeCheckCharacter(code.slice(0, 17)) !== code[17]) return 'CHECKSUM';
  return undefined;
}

export const isValidCreditCode = (code: string) => creditCodeProblem(code) === undefined;

/** How people type it: spaces and hyphens dropped, upper case. */
export const normaliseCreditCode = (input: string) => input.replace(/[\s-]/g, '').toUpperCase();

/** Completes 17 characters into a valid code (the seed and tests make codes with it). */
export function withCreditCodeCheck(first17: string): string {
  const check = creditCodeCheckCharacter(first17);
  if (check === undefined) throw new Error(`Not 17 characters of the credit-code alphabet: ${first17}`);
  return first17 + check;
}

/** Organisation types whose registration takes a credit code: registered legal bodies (a studio belongs to its college; associations come from the operator). */
export const CREDIT_CODE_ORG_TYPES = ['ENTERPRISE', 'COLLEGE', 'GOVERNMENT'] as const;
export const needsCreditCode = (type: string) => (CREDIT_CODE_ORG_TYPES as readonly string[]).includes(type);
