import type { Context } from 'hono';
import { ValidationError, type FieldIssue } from '@sharedtech/core';
import { type IdempotencyInput, IdempotencyKeySchema } from '@sharedtech/services';
import type { ZodError, ZodType, output } from 'zod';
import type { FormValues, Ui } from './context.js';
import { localInputToIso, parsePercent, parseYuan, splitList } from './format.js';
import { isMessageKey, type Params } from './i18n/index.js';

/** A field issue as the pages handle it: the service's path and code, plus numbers a message can quote. */
export interface WebIssue extends FieldIssue {
  params?: Params;
}

/** What a form shows: the values typed, one message per field, and messages that belong to no field. */
export interface FormState {
  values: FormValues;
  errors: Record<string, string>;
  summary: string[];
}

export const emptyForm = (values: FormValues = {}): FormState => ({ values, errors: {}, summary: [] });

export const fieldId = (name: string) => `f-${name.replace(/[^\w-]/g, '-')}`;

/** Zod issues with the bounds kept, so "at least 4 characters" can be said in either language. */
export function zodToWebIssues(error: ZodError): WebIssue[] {
  return error.issues.map((issue) => {
    const bounds = issue as { minimum?: number | bigint; maximum?: number | bigint; origin?: string };
    return {
      path: issue.path.map(String).join('.'),
      code: issue.code,
      message: issue.message,
      params: {
        min: bounds.minimum === undefined ? undefined : Number(bounds.minimum),
        max: bounds.maximum === undefined ? undefined : Number(bounds.maximum),
        origin: bounds.origin,
      },
    };
  });
}

/** A conversion problem found before the schema runs (e.g. a money field that is not a number). */
export const issue = (path: string, code: string, params?: Params): WebIssue => ({ path, code, message: code, params });

/**
 * Validates converted form input with the same schema the JSON route uses;
 * conversion issues and schema issues come back together as one 400.
 */
export function parseInput<S extends ZodType>(schema: S, input: unknown, conversionIssues: WebIssue[] = []): output<S> {
  const result = schema.safeParse(input);
  const issues = [...conversionIssues, ...(result.success ? [] : zodToWebIssues(result.error))];
  if (issues.length > 0 || !result.success) throw new ValidationError('The form is not valid.', issues);
  return result.data;
}

/** The field issues of a validation error from a form parser or a service. */
export const issuesOf = (error: ValidationError): WebIssue[] => ((error.details as { issues?: WebIssue[] } | undefined)?.issues ?? []);

/**
 * The message for an issue in the visitor's language. Most specific first:
 * `issue.<code>.<path>` (numbers in the path as `*`), `issue.<code>.<origin>`,
 * `issue.<code>`; the service's own (English) text only if none exists.
 */
export function issueMessage(ui: Ui, { path, code, message, params }: WebIssue): string {
  if (!code) return message;
  const genericPath = path.replace(/\.\d+(?=\.|$)/g, '.*');
  const candidates = [`issue.${code}.${genericPath}`, params?.origin ? `issue.${code}.${params.origin}` : '', `issue.${code}`];
  const key = candidates.find((candidate) => candidate && isMessageKey(candidate));
  return key && isMessageKey(key) ? ui.t(key, params) : message;
}

/**
 * Puts each issue beside the field it belongs to: the field named by its path,
 * or the nearest enclosing one (`budget.min.amount` → `budget.min`). Issues no
 * field owns go to the summary at the top. The first message per field wins.
 */
export function formState(ui: Ui, values: FormValues, issues: WebIssue[], fields: readonly string[]): FormState {
  const state = emptyForm(values);
  for (const item of issues) {
    const owner = [...fields]
      .filter((field) => item.path === field || item.path.startsWith(`${field}.`))
      .sort((a, b) => b.length - a.length)[0];
    const text = issueMessage(ui, item);
    if (owner) state.errors[owner] ??= text;
    else if (!state.summary.includes(text)) state.summary.push(text);
  }
  return state;
}

/**
 * Runs a form post; if it (or the service) rejects the input, renders the form
 * again with the messages beside the fields instead of an error page.
 */
export async function handleForm(run: () => Promise<Response>, rerender: (issues: WebIssue[]) => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ValidationError) return rerender(issuesOf(error));
    throw error;
  }
}

/**
 * A form post in one step: `toInput` reads the posted values into the
 * schema's input (what cannot be converted becomes an issue on its field),
 * `submit` gets the parsed input, and any validation error, of the form or of
 * the service, renders the form again with the issues next to their fields.
 */
export function submitForm<S extends ZodType>(
  values: FormValues,
  schema: S,
  toInput: (read: FormReader) => unknown,
  submit: (input: output<S>) => Promise<Response>,
  rerender: (issues: WebIssue[]) => Promise<Response>,
): Promise<Response> {
  return handleForm(async () => {
    const read = formReader(values);
    return submit(parseInput(schema, toInput(read), read.issues));
  }, rerender);
}

/**
 * Reads typed form values into API input: yuan → integer fen, percentages →
 * basis points, Shanghai wall time → ISO instants, lists split on commas.
 * What cannot be converted becomes an issue on that field, collected in `issues`.
 */
export function formReader(values: FormValues) {
  const issues: WebIssue[] = [];
  const raw = (field: string) => values[field]?.trim() ?? '';
  const convert = <T>(field: string, required: boolean, code: string, parse: (text: string) => T | undefined): T | undefined => {
    const text = raw(field);
    if (!text) {
      if (required) issues.push(issue(field, 'REQUIRED'));
      return undefined;
    }
    const value = parse(text);
    if (value === undefined) issues.push(issue(field, code));
    return value;
  };
  return {
    issues,
    text: (field: string) => values[field] ?? '',
    optional: (field: string) => raw(field) || undefined,
    has: (field: string) => raw(field) !== '',
    list: (field: string) => splitList(values[field] ?? ''),
    money: (field: string, required = true) =>
      convert(field, required, 'MONEY_FORMAT', (text) => {
        const amount = parseYuan(text);
        return amount === undefined ? undefined : { amount, currency: 'CNY' as const };
      }),
    int: (field: string, required = true) => convert(field, required, 'INTEGER_FORMAT', (text) => (/^\d{1,12}$/.test(text) ? Number(text) : undefined)),
    time: (field: string, required = true) => convert(field, required, 'DATETIME_FORMAT', localInputToIso),
    bps: (field: string, required = true) => convert(field, required, 'PERCENT_FORMAT', parsePercent),
  };
}

/**
 * Money-moving forms carry a key rendered with the page, so a double click or
 * a resubmitted page replays the first result instead of moving money again.
 */
export function formIdempotency(c: Context, values: FormValues, body: unknown): IdempotencyInput | undefined {
  const key = IdempotencyKeySchema.safeParse(values.idempotencyKey);
  return key.success ? { key: key.data, method: 'POST', path: c.req.path, body } : undefined;
}

/** What formReader gives: typed readers of the posted fields and the conversion issues they found. */
export type FormReader = ReturnType<typeof formReader>;
