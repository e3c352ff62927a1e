import type { InputHTMLAttributes } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from './api';
import { words } from './format';

/**
 * One form component for every create and update form: the API validates, and its errors are
 * shown next to the field they name (aria-describedby), anything else beside the form.
 */

export interface FieldSpec {
  /** The form field's name; an API issue names it by its first path segment unless mapped. */
  name: string;
  label: string;
  type?: 'text' | 'textarea' | 'date' | 'datetime-local' | 'select';
  options?: readonly string[];
  required?: boolean;
  /** The value the form opens with (an update form: the record's current value). */
  value?: string;
}

export type FormValues = Record<string, string>;

/** An API error's messages by form field: a 400's issues, a 409's `field`. */
export function fieldErrors(error: unknown, fieldOf: (path: string) => string): FormValues {
  if (!(error instanceof ApiError)) return {};
  const byField: FormValues = {};
  for (const issue of error.details.issues ?? []) {
    const field = fieldOf(issue.field);
    byField[field] = byField[field] ? `${byField[field]}; ${issue.message}` : issue.message;
  }
  if (error.details.field) byField[fieldOf(error.details.field)] = error.message;
  return byField;
}

const firstSegment = (path: string) => path.split('.')[0];

function Control({ spec, id, error }: { spec: FieldSpec; id: string; error?: string }) {
  const aria = error ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {};
  const common = { id, name: spec.name, required: spec.required, ...aria };
  if (spec.type === 'select') {
    return (
      <select {...common}>
        {spec.options?.map((o) => (
          <option key={o} value={o} selected={o === spec.value}>
            {o ? words(o) : '(none)'}
          </option>
        ))}
      </select>
    );
  }
  if (spec.type === 'textarea') return <textarea {...common} defaultValue={spec.value ?? ''} />;
  // Preact types each input `type` apart; a type chosen at run time needs the widened props.
  const input = { ...common, type: spec.type ?? 'text', defaultValue: spec.value ?? '' };
  return <input {...(input as InputHTMLAttributes<HTMLInputElement>)} />;
}

/** The values to send: all non-empty ones, or (an update) only those that changed. */
function valuesOf(form: HTMLFormElement, fields: FieldSpec[], send: 'all' | 'changed') {
  const data = new FormData(form);
  const values: FormValues = {};
  for (const { name, value } of fields) {
    const entered = String(data.get(name) ?? '').trim();
    const keep = send === 'all' ? entered !== '' : entered !== (value ?? '');
    if (keep) values[name] = entered;
  }
  return values;
}

/** What is said beside the form: errors no field shows, or a pointer to the fields that do. */
function errorSummary(error: unknown, byField: FormValues, fields: FieldSpec[]): string | null {
  if (error === null) return null;
  const entries = Object.entries(byField);
  if (entries.length === 0) return error instanceof Error ? error.message : String(error);
  const names = new Set(fields.map((f) => f.name));
  const elsewhere = entries.filter(([field]) => !names.has(field));
  return elsewhere.length > 0
    ? elsewhere.map(([field, message]) => `${field}: ${message}`).join('; ')
    : 'see the fields marked above.';
}

export function RecordForm(props: {
  /** Prefix of the element ids, unique on the page. */
  id: string;
  /** The form's accessible name, shown as its legend. */
  title: string;
  fields: FieldSpec[];
  submitLabel: string;
  send: 'all' | 'changed';
  onSubmit: (values: FormValues) => Promise<unknown>;
  /** Which form field an API issue path is about (default: its first segment). */
  fieldOf?: (path: string) => string;
  onSaved: () => void;
}) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const byField = fieldErrors(error, props.fieldOf ?? firstSegment);
  const summary = errorSummary(error, byField, props.fields);
  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    setBusy(true);
    try {
      await props.onSubmit(valuesOf(form, props.fields, props.send));
      setError(null);
      if (props.send === 'all') form.reset();
      props.onSaved();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="record" aria-labelledby={`${props.id}-legend`} onSubmit={onSubmit}>
      <fieldset>
        <legend id={`${props.id}-legend`}>{props.title}</legend>
        {props.fields.map((spec) => {
          const id = `${props.id}-${spec.name}`;
          return (
            <div class="field" key={spec.name}>
              <label for={id}>{spec.label}</label>
              <Control spec={spec} id={id} error={byField[spec.name]} />
              {byField[spec.name] && (
                <span class="field-error" id={`${id}-error`}>
                  {byField[spec.name]}
                </span>
              )}
            </div>
          );
        })}
        <button type="submit" disabled={busy}>
          {props.submitLabel}
        </button>
        {summary && (
          <p class="notice" role="alert">
            Not saved: {summary}
          </p>
        )}
      </fieldset>
    </form>
  );
}
