import type { ComponentChildren } from 'preact';
import { ApiError, fieldOf } from '../api';

/** The props a form control gets from its Field: its id, and the error and hint it is described by. */
export interface ControlProps {
  id: string;
  name: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

/** A labelled form control, with its hint and, when the API named it, its error right below it. */
export function Field(props: { name: string; label: string; hint?: ComponentChildren; error?: string | undefined; form?: string; children: (control: ControlProps) => ComponentChildren }) {
  const id = `${props.form ?? 'f'}-${props.name}`;
  const described = [props.error === undefined ? '' : `${id}-error`, props.hint === undefined ? '' : `${id}-hint`].filter((s) => s !== '').join(' ');
  return (
    <div class={`field${props.error === undefined ? '' : ' invalid'}`}>
      <label for={id}>{props.label}</label>
      {props.children({ id, name: props.name, 'aria-invalid': props.error !== undefined, 'aria-describedby': described === '' ? undefined : described })}
      {props.hint === undefined ? null : <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      {props.error === undefined ? null : <p class="field-error" id={`${id}-error`}>{props.error}</p>}
    </div>
  );
}

/** An API error split for a form: by the field it names (when the form has that field), else for the form as a whole. */
export interface FormErrors {
  fields: Record<string, string>;
  form: string | undefined;
}

export const noErrors: FormErrors = { fields: {}, form: undefined };

/** `aliases` maps the API's names to the form's (`expires_at` → `expires`). */
export function formErrors(error: unknown, fields: readonly string[], aliases: Record<string, string> = {}): FormErrors {
  if (error === undefined || error === null) return noErrors;
  const message = error instanceof ApiError ? error.message : String(error);
  const named = fieldOf(error);
  const field = named === null ? null : aliases[named] ?? named;
  if (field !== null && fields.includes(field)) return { fields: { [field]: message }, form: undefined };
  return { fields: {}, form: message };
}
