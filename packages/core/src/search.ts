/**
 * Search rules: how request text becomes index tokens, how a query becomes
 * tokens, and how hits are ranked. Pure functions; the data layer stores one
 * item per (request, token) and reads one index partition per query token.
 *
 * Tokens:
 * - Text is NFKC-normalised (full-width ＰＬＣ → plc) and lower-cased.
 * - A run of Han characters gives its overlapping bigrams (焊缝检测 → 焊缝, 缝检, 检测),
 *   so Chinese needs no dictionary and no spaces.
 * - Single characters: a one-character Han run is its own token (unigram), and in the
 *   index each Han run also gives its last character as a unigram. So every Han character
 *   of the text is the first character of some token, and a one-character query (焊) is
 *   answered from an index of tokens by their first character, without a unigram item
 *   per character (which would double the items). A few function characters (的, 与…)
 *   are never unigram tokens.
 * - Any other run of letters and digits is a latin word (plc, 5g, ros2), kept if it
 *   has at least two characters and is not an English stop word; at most 32 characters.
 */

export const SEARCH_FIELD_WEIGHTS = { title: 4, summary: 2, tags: 1 } as const;
export type SearchField = keyof typeof SEARCH_FIELD_WEIGHTS;

/** Token items one request may have: keeps every request transaction well under DynamoDB's 100 items. */
export const MAX_TOKENS_PER_REQUEST = 40;
/** Query tokens looked up per search (one index Query each); the rest of a long query is ignored. */
export const MAX_QUERY_TOKENS = 8;
/** Longest latin word kept (longer ones are cut). */
export const MAX_WORD_LENGTH = 32;

const HAN = /\p{Script=Han}/u;
const WORD_CHAR = /[\p{L}\p{N}]/u;
/** Han characters too common to be worth a unigram item. */
const HAN_STOP = new Set([...'的了和与及或在对等是为中其之并由于将把被从以个']);
const LATIN_STOP = new Set(['an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'in', 'is', 'it', 'of', 'on', 'or', 'the', 'to', 'with']);

export interface TextRun {
  kind: 'han' | 'word';
  text: string;
}

/** Normalised text split into Han runs and latin words; everything else separates. */
export function textRuns(text: string): TextRun[] {
  const runs: TextRun[] = [];
  let current: TextRun | undefined;
  for (const char of text.normalize('NFKC').toLowerCase()) {
    const kind = HAN.test(char) ? 'han' : WORD_CHAR.test(char) ? 'word' : undefined;
    if (kind && current?.kind === kind) {
      current.text += char;
    } else {
      if (current) runs.push(current);
      current = kind ? { kind, text: char } : undefined;
    }
  }
  if (current) runs.push(current);
  return runs;
}

const bigrams = (chars: string[]) => chars.slice(0, -1).map((char, index) => char + chars[index + 1]!);

function wordToken(word: string): string | undefined {
  const token = [...word].slice(0, MAX_WORD_LENGTH).join('');
  return [...token].length < 2 || LATIN_STOP.has(token) ? undefined : token;
}

/** The tokens of one run, in order: the word, or a Han run's bigrams (and, for the index, its last character). */
function runTokens(run: TextRun, forIndex: boolean): string[] {
  if (run.kind === 'word') {
    const token = wordToken(run.text);
    return token ? [token] : [];
  }
  const chars = [...run.text];
  const last = chars[chars.length - 1]!;
  const lastAlone = (chars.length === 1 || forIndex) && !HAN_STOP.has(last) ? [last] : [];
  return [...bigrams(chars), ...lastAlone];
}

/** Distinct tokens of a text, in order of first appearance; `index` adds each Han run's last character. */
export function tokensOfText(text: string, { index = false }: { index?: boolean } = {}): string[] {
  return [...new Set(textRuns(text).flatMap((run) => runTokens(run, index)))];
}

/** A one-character Han token: looked up by first character, not as a token of its own. */
export const isCharToken = (token: string) => [...token].length === 1 && HAN.test(token);

/** The first character of a Han token (its entry in the by-first-character index), if it is one. */
export const firstHanChar = (token: string): string | undefined => {
  const first = [...token][0];
  return first && HAN.test(first) ? first : undefined;
};

export interface IndexToken {
  token: string;
  /** Sum of the weights of the fields the token occurs in (title 4, summary 2, tags 1: 1–7). */
  weight: number;
}

/**
 * The index tokens of a request: each distinct token once, weighted by the
 * fields it occurs in. Capped at MAX_TOKENS_PER_REQUEST in order of first
 * appearance in title, then tags, then summary: a long summary loses its tail.
 */
export function indexTokens(content: { title: string; summary: string; tags: readonly string[] }): IndexToken[] {
  const weights = new Map<string, number>();
  const add = (tokens: string[], field: SearchField) => {
    for (const token of tokens) weights.set(token, (weights.get(token) ?? 0) + SEARCH_FIELD_WEIGHTS[field]);
  };
  add(tokensOfText(content.title, { index: true }), 'title');
  add([...new Set(content.tags.flatMap((tag) => tokensOfText(tag, { index: true })))], 'tags');
  add(tokensOfText(content.summary, { index: true }), 'summary');
  return [...weights.entries()].slice(0, MAX_TOKENS_PER_REQUEST).map(([token, weight]) => ({ token, weight }));
}

/** One Han run or word of a query, with the tokens it gives. */
export interface QueryTerm {
  text: string;
  tokens: string[];
}

export interface SearchQuery {
  terms: QueryTerm[];
  /** Distinct tokens looked up, at most MAX_QUERY_TOKENS, in query order. */
  tokens: string[];
}

/**
 * A query as tokens: Han runs give bigrams (a single character itself, matched
 * by every token that starts with it), words give themselves. Tokens beyond
 * MAX_QUERY_TOKENS are dropped.
 */
export function parseSearchQuery(q: string): SearchQuery {
  const terms = textRuns(q)
    .map((run) => ({ text: run.text, tokens: runTokens(run, false) }))
    .filter((term) => term.tokens.length > 0);
  // Terms keep all their tokens (in order, so matched bigrams can join up); only `tokens` is capped.
  return { terms, tokens: [...new Set(terms.flatMap((term) => term.tokens))].slice(0, MAX_QUERY_TOKENS) };
}

/** How many of a query's n tokens a request must match: two thirds, rounded up (1→1, 2→2, 3→2, 5→4, 8→6). */
export const minimumMatch = (n: number) => Math.ceil((2 * n) / 3);

/** One index entry read for a query token. */
export interface TokenPosting {
  requestId: string;
  token: string;
  weight: number;
}

export interface SearchHit {
  requestId: string;
  /** The query tokens this request matched, in query order. */
  tokens: string[];
  /** Sum of the matched tokens' weights. */
  score: number;
}

/**
 * Merges the postings of every query token by request: a request is a hit when
 * it matches at least minimumMatch(tokens) of the query's tokens. Hits rank by
 * the number of tokens matched, then by score (title over summary over tags),
 * then newest first (ids sort by creation time).
 */
export function rankSearchHits(query: Pick<SearchQuery, 'tokens'>, postings: readonly TokenPosting[]): SearchHit[] {
  const position = new Map(query.tokens.map((token, index) => [token, index]));
  const byRequest = new Map<string, Map<string, number>>();
  for (const posting of postings) {
    if (!position.has(posting.token)) continue;
    const matched = byRequest.get(posting.requestId) ?? new Map<string, number>();
    matched.set(posting.token, Math.max(matched.get(posting.token) ?? 0, posting.weight));
    byRequest.set(posting.requestId, matched);
  }
  const needed = minimumMatch(query.tokens.length);
  return [...byRequest.entries()]
    .filter(([, matched]) => matched.size >= needed)
    .map(([requestId, matched]) => ({
      requestId,
      tokens: [...matched.keys()].sort((a, b) => position.get(a)! - position.get(b)!),
      score: [...matched.values()].reduce((sum, weight) => sum + weight, 0),
    }))
    .sort((a, b) => b.tokens.length - a.tokens.length || b.score - a.score || (a.requestId < b.requestId ? 1 : a.requestId > b.requestId ? -1 : 0));
}

/**
 * The words of the query a hit matched, for people: adjacent matched bigrams of
 * one Han run join up again (焊缝 + 缝检 + 检测 → 焊缝检测), words stay words.
 */
export function matchedWords(query: SearchQuery, matchedTokens: readonly string[]): string[] {
  const matched = new Set(matchedTokens);
  const words: string[] = [];
  for (const term of query.terms) {
    let phrase = '';
    for (const token of term.tokens) {
      if (!matched.has(token)) {
        if (phrase) words.push(phrase);
        phrase = '';
      } else if (!phrase || [...token].length === 1) {
        if (phrase) words.push(phrase);
        phrase = token;
      } else {
        // Overlapping bigram: its first character ends the phrase so far.
        phrase += [...token].slice(1).join('');
      }
    }
    if (phrase) words.push(phrase);
  }
  return [...new Set(words)];
}
