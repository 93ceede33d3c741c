import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CREDIT_CODE_ALPHABET, creditCodeCheckCharacter, creditCodeProblem, isValidCreditCode, needsCreditCode, normaliseCreditCode, withCreditCodeCheck,
} from './credit-code.js';

/** Codes as published on business licences and in the standard (GB 32100-2015's own example first). */
const PUBLISHED = ['91350100M000100Y43', '9144030071526726XG', '914403001922038216', '91330100716105852F', '91110000802100433B', '91310000MA1FL1MMXL', '12100000400000624D'];

const alphabetChar = fc.constantFrom(...CREDIT_CODE_ALPHABET);
const first17 = fc
  .tuple(fc.array(alphabetChar, { minLength: 2, maxLength: 2 }), fc.array(fc.constantFrom(...'0123456789'), { minLength: 6, maxLength: 6 }), fc.array(alphabetChar, { minLength: 9, maxLength: 9 }))
  .map(([head, division, rest]) => [...head, ...division, ...rest].join(''));

describe('unified social credit code (GB 32100-2015)', () => {
  it.each(PUBLISHED)('accepts the published code %s', (code) => {
    expect(creditCodeProblem(code)).toBeUndefined();
  });

  it('names what is wrong with a code', () => {
    expect(creditCodeProblem('91350100M000100Y4')).toBe('LENGTH');
    expect(creditCodeProblem('91350100M000100Y434')).toBe('LENGTH');
    expect(creditCodeProblem('91350100M000100YI3')).toBe('CHARACTERS'); // I is not in the alphabet
    expect(creditCodeProblem('91350100m000100Y43')).toBe('CHARACTERS'); // not normalised
    expect(creditCodeProblem('9135A100M000100Y43'.slice(0, 17) + creditCodeCheckCharacter('9135A100M000100Y4'))).toBe('DIVISION');
    expect(creditCodeProblem('91350100M000100Y44')).toBe('CHECKSUM');
    expect(creditCodeProblem('91350100M000100Y34')).toBe('CHECKSUM');
  });

  it('normalises what people type', () => {
    expect(normaliseCreditCode(' 9135 0100-m000 100y43 ')).toBe('91350100M000100Y43');
  });

  it('completes any 17 characters into a valid code, and the check character is unique', () => {
    fc.assert(
      fc.property(first17, (head) => {
        const code = withCreditCodeCheck(head);
        expect(isValidCreditCode(code)).toBe(true);
        for (const other of CREDIT_CODE_ALPHABET) if (other !== code[17]) expect(isValidCreditCode(head + other)).toBe(false);
      }),
    );
  });

  it('catches every single-character mistake and every swap of two different neighbours', () => {
    fc.assert(
      fc.property(first17, fc.integer({ min: 0, max: 17 }), alphabetChar, (head, at, replacement) => {
        const code = withCreditCodeCheck(head);
        fc.pre(code[at] !== replacement);
        expect(isValidCreditCode(code.slice(0, at) + replacement + code.slice(at + 1))).toBe(false);
      }),
    );
    fc.assert(
      fc.property(first17, fc.integer({ min: 0, max: 16 }), (head, at) => {
        const code = withCreditCodeCheck(head);
        fc.pre(code[at] !== code[at + 1]);
        const swapped = code.slice(0, at) + code[at + 1] + code[at] + code.slice(at + 2);
        expect(isValidCreditCode(swapped)).toBe(false);
      }),
    );
  });

  it('is asked of enterprises, colleges and government bodies only', () => {
    expect(['ENTERPRISE', 'COLLEGE', 'GOVERNMENT', 'STUDIO', 'ASSOCIATION'].map(needsCreditCode)).toEqual([true, true, true, false, false]);
  });
});
