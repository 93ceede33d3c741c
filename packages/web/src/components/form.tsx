import { randomUUID } from 'node:crypto';
import type { Child, FC } from 'hono/jsx';
import type { Ui } from '../context.js';
import { emptyForm, fieldId, type FormState } from '../forms.js';

interface FieldProps {
  ui: Ui;
  form: FormState;
  name: string;
  label: string;
  hint?: string;
  required?: boolean;
  /** Distinguishes the ids of the same field in several forms on one page (one per row of a queue). */
  scope?: string;
}

const idOf = ({ name, scope }: { name: string; scope?: string }) => fieldId(scope ? `${scope}-${name}` : name);

/** The ids that tie a control to its hint and error, for `aria-describedby`. */
function describedBy(id: string, hint: string | undefined, error: string | undefined) {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

/** The hint and the error message under a field's label or a group's legend, with the ids `describedBy` names. */
const HintAndError: FC<{ ui: Ui; id: string; hint?: string; error?: string }> = ({ ui, id, hint, error }) => (
  <>
    {hint ? <p class="hint" id={`${id}-hint`}>{hint}</p> : null}
    {error ? (
      <p class="error" id={`${id}-error`}>
        <span class="visually-hidden">{ui.t('form.errorPrefix')}</span>
        {error}
      </p>
    ) : null}
  </>
);

/** Label, hint, control and error message of one field; every control below is wrapped in it. */
const FieldShell: FC<FieldProps & { children: Child }> = ({ ui, form, name, scope, label, hint, required, children }) => {
  const id = idOf({ name, scope });
  const error = form.errors[name];
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={id}>
        {label}
        {required ? <span class="req" aria-hidden="true"> *</span> : <span class="opt"> {ui.t('form.optional')}</span>}
      </label>
      <HintAndError ui={ui} id={id} hint={hint} error={error} />
      {children}
    </div>
  );
};

const controlAttrs = ({ form, name, scope, hint, required }: FieldProps) => ({
  id: idOf({ name, scope }),
  name,
  required: required || undefined,
  'aria-invalid': form.errors[name] ? ('true' as const) : undefined,
  'aria-describedby': describedBy(idOf({ name, scope }), hint, form.errors[name]),
});

type InputType = 'text' | 'number' | 'datetime-local' | 'date' | 'url' | 'search';

export const TextInput: FC<
  FieldProps & { type?: InputType; inputmode?: 'text' | 'decimal' | 'numeric'; maxlength?: number; placeholder?: string; autocomplete?: string; min?: string; max?: string; step?: string; value?: string }
> = (props) => (
  <FieldShell {...props}>
    <input
      {...controlAttrs(props)}
      type={props.type ?? 'text'}
      inputmode={props.inputmode}
      maxlength={props.maxlength}
      placeholder={props.placeholder}
      autocomplete={props.autocomplete}
      min={props.min}
      max={props.max}
      step={props.step}
      value={props.value ?? props.form.values[props.name] ?? ''}
    />
  </FieldShell>
);

/** A text input with a unit before or after it ("¥", "%"); values are converted on the server. */
const AffixInput: FC<FieldProps & { value?: string; data?: Record<string, string>; prefix?: string; suffix?: string }> = (props) => (
  <FieldShell {...props}>
    <span class="affix-input">
      {props.prefix ? (
        <span class="affix" aria-hidden="true">
          {props.prefix}
        </span>
      ) : null}
      <input
        {...controlAttrs(props)}
        {...Object.fromEntries(Object.entries(props.data ?? {}).map(([key, value]) => [`data-${key}`, value]))}
        type="text"
        inputmode="decimal"
        autocomplete="off"
        value={props.value ?? props.form.values[props.name] ?? ''}
      />
      {props.suffix ? (
        <span class="affix" aria-hidden="true">
          {props.suffix}
        </span>
      ) : null}
    </span>
  </FieldShell>
);

/** A yuan amount: typed as "12500.50", sent as text and converted to integer fen on the server. */
export const MoneyInput: FC<FieldProps & { value?: string; data?: Record<string, string> }> = (props) => <AffixInput {...props} prefix="¥" />;

/** A percentage with up to two decimals, converted to basis points on the server. */
export const PercentInput: FC<FieldProps & { value?: string; data?: Record<string, string> }> = (props) => <AffixInput {...props} suffix="%" />;

export const TextArea: FC<FieldProps & { rows?: number; maxlength?: number }> = (props) => (
  <FieldShell {...props}>
    <textarea {...controlAttrs(props)} rows={props.rows ?? 4} maxlength={props.maxlength}>
      {props.form.values[props.name] ?? ''}
    </textarea>
  </FieldShell>
);

export interface Option {
  value: string;
  label: string;
}

export const Select: FC<FieldProps & { options: Option[]; blank?: string }> = (props) => {
  const current = props.form.values[props.name] ?? '';
  return (
    <FieldShell {...props}>
      <select {...controlAttrs(props)}>
        {props.blank !== undefined ? <option value="">{props.blank}</option> : null}
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === current}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
};

/** The messages of a form at its top, each linking to its field; focused by the script for screen readers. */
export const ErrorSummary: FC<{ ui: Ui; form: FormState; scope?: string; labels?: Record<string, string> }> = ({ ui, form, scope, labels = {} }) => {
  const fieldErrors = Object.entries(form.errors);
  if (fieldErrors.length === 0 && form.summary.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1} data-autofocus>
      <h2>{ui.t('form.errorsTitle')}</h2>
      <ul>
        {form.summary.map((message) => (
          <li>{message}</li>
        ))}
        {fieldErrors.map(([name, message]) => (
          <li>
            <a href={`#${idOf({ name, scope })}`}>{labels[name] ? ui.t('form.errorWithLabel', { label: labels[name], message }) : message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
};

export type ButtonVariant = 'primary' | 'secondary' | 'danger';

/** A form's submit button; with `name` and `value` it also says which of several buttons was pressed. */
export const SubmitButton: FC<{ label: string; variant: ButtonVariant; name?: string; value?: string }> = ({ label, variant, name, value }) => (
  <button type="submit" class={`button ${variant}`} name={name} value={value}>
    {label}
  </button>
);

/** The foot of a form with its one submit button. */
export const FormSubmit: FC<{ label: string; variant: ButtonVariant }> = ({ label, variant }) => (
  <div class="form-actions">
    <SubmitButton label={label} variant={variant} />
  </div>
);

/** A form whose only content is one button: state transitions like submit, cancel, sign. */
export const ActionButton: FC<{ action: string; label: string; variant?: ButtonVariant; hidden?: Record<string, string>; confirm?: string }> = ({
  action,
  label,
  variant = 'secondary',
  hidden = {},
  confirm,
}) => (
  <form method="post" action={action} class="inline-form" data-confirm={confirm}>
    {Object.entries(hidden).map(([name, value]) => (
      <input type="hidden" name={name} value={value} />
    ))}
    <SubmitButton label={label} variant={variant} />
  </form>
);

/** The status filter above a list: one select, sent as `?status=` to the list's own path. */
export const StatusFilter: FC<{ ui: Ui; action: string; status: string; options: Option[]; blank?: string }> = ({ ui, action, status, options, blank }) => (
  <form method="get" action={action} class="filters card">
    <Select ui={ui} form={emptyForm({ status })} name="status" label={ui.t('common.status')} blank={blank} options={options} />
    <div />
    <SubmitButton label={ui.t('common.filter')} variant="secondary" />
  </form>
);

/**
 * A group of fields with one message of its own, for rules about the group
 * ("the milestones add up to the price", "the shares total 100 %").
 */
export const Fieldset: FC<{ ui: Ui; form: FormState; name: string; legend: string; hint?: string; children: Child }> = ({ ui, form, name, legend, hint, children }) => {
  const id = fieldId(name);
  const error = form.errors[name];
  return (
    <fieldset id={id} class={error ? 'has-error' : undefined} aria-describedby={describedBy(id, hint, error)} tabindex={-1}>
      <legend>{legend}</legend>
      <HintAndError ui={ui} id={id} hint={hint} error={error} />
      {children}
    </fieldset>
  );
};

/**
 * A live total beside parts that must add up (progressive enhancement; the
 * server checks the same rule). Messages carry `{sum}`, `{target}`, `{diff}`.
 */
export const LiveTotal: FC<{ messages: { ok: string; off: string; invalid: string } }> = ({ messages }) => (
  <p class="live-total" data-total-output aria-live="polite" data-msg-ok={messages.ok} data-msg-off={messages.off} data-msg-invalid={messages.invalid} />
);

/** A fresh idempotency key for one rendering of a money-moving form (see formIdempotency). */
export const newIdempotencyKey = () => randomUUID();
export const IdempotencyField: FC = () => <input type="hidden" name="idempotencyKey" value={newIdempotencyKey()} />;
