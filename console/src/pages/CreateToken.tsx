import { useState } from 'preact/hooks';
import { api } from '../api';
import { Dialog } from '../components/Dialog';
import { ErrorNote } from '../components/Feedback';
import { Field, formErrors, noErrors, type FormErrors } from '../components/Field';
import type { Account, KeyWithSecret } from '../types';

const FIELDS = ['name', 'account_id', 'models', 'rpm', 'tpm', 'max_concurrency', 'budget_usd', 'budget_period', 'expires'] as const;
const EXPIRY = [
  { value: '', label: 'Never' },
  { value: '1d', label: 'In 1 day' },
  { value: '7d', label: 'In 7 days' },
  { value: '30d', label: 'In 30 days' },
  { value: '90d', label: 'In 90 days' },
  { value: 'at', label: 'On a date…' },
];

type Values = Record<(typeof FIELDS)[number] | 'expires_at', string>;

/** A number field's value for the API: absent when empty, else the number typed (the API says what is wrong with it). */
const number = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

/** The body of POST /keys from the form: empty fields are left out, so they take the API's defaults (no limit, no budget, never expires). */
function body(v: Values, withAccount: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { name: v.name };
  if (withAccount && v.account_id !== '') out.account_id = v.account_id;
  const models = v.models.split(/[\s,]+/).filter((m) => m !== '');
  if (models.length > 0) out.models = models;
  for (const f of ['rpm', 'tpm', 'max_concurrency', 'budget_usd'] as const) {
    const n = number(v[f]);
    if (n !== undefined) out[f] = n;
  }
  if (out.budget_usd !== undefined) out.budget_period = v.budget_period;
  if (v.expires === 'at') out.expires_at = v.expires_at === '' ? '' : new Date(v.expires_at).toISOString();
  else if (v.expires !== '') out.expires_in = v.expires;
  return out;
}

/** The Create Token form. `accounts` is the operator's choice of owner (a member's keys are always its account's). */
export function CreateToken(props: { accounts: Account[] | undefined; defaultAccount: string; served: string[]; firstKey: boolean; onClose: () => void; onCreated: (k: KeyWithSecret) => void }) {
  const [v, setV] = useState<Values>({ name: '', account_id: props.defaultAccount, models: '', rpm: '', tpm: '', max_concurrency: '', budget_usd: '', budget_period: 'month', expires: '', expires_at: '' });
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const set = (field: keyof Values) => (e: Event) => setV({ ...v, [field]: (e.currentTarget as HTMLInputElement).value });

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors(noErrors);
    try {
      props.onCreated(await api<KeyWithSecret>('POST', '/keys', body(v, props.accounts !== undefined)));
    } catch (error) {
      setErrors(formErrors(error, FIELDS, { expires_at: 'expires', expires_in: 'expires' }));
    } finally {
      setBusy(false);
    }
  };
  const number_ = (name: 'rpm' | 'tpm' | 'max_concurrency', label: string, hint: string) => (
    <Field name={name} label={label} hint={hint} error={errors.fields[name]} form="create">
      {(c) => <input {...c} type="number" min={0} step={1} inputMode="numeric" value={v[name]} onInput={set(name)} />}
    </Field>
  );

  return (
    <Dialog title="Create Token" onClose={props.onClose} wide>
      <form onSubmit={submit} noValidate>
        <div class="dialog-body grid">
          {props.firstKey ? <p class="warning full">This is the server's first key: once it exists, every caller needs a key.</p> : null}
          <Field name="name" label="Name" hint="What it is for: a person, a laptop, a service." error={errors.fields.name} form="create">
            {(c) => <input {...c} type="text" required maxLength={200} autoFocus value={v.name} onInput={set('name')} />}
          </Field>
          {props.accounts === undefined ? null : (
            <Field name="account_id" label="Account" hint="Its usage and budget count there too." error={errors.fields.account_id} form="create">
              {(c) => (
                <select {...c} value={v.account_id} onChange={set('account_id')}>
                  <option value="">No account</option>
                  {props.accounts!.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
                </select>
              )}
            </Field>
          )}
          <Field name="models" label="Models" hint={<>Names or globs (<code>Ling-*</code>), separated by commas; empty: every model.{props.served.length === 0 ? '' : ` Served: ${props.served.join(', ')}.`}</>} error={errors.fields.models} form="create">
            {(c) => <input {...c} type="text" value={v.models} onInput={set('models')} list="served-models" autoComplete="off" />}
          </Field>
          <datalist id="served-models">{props.served.map((m) => <option key={m} value={m} />)}</datalist>
          {number_('rpm', 'Requests per minute', 'Empty: no limit.')}
          {number_('tpm', 'Tokens per minute', 'Empty: no limit.')}
          {number_('max_concurrency', 'Requests at once', 'Empty: no limit.')}
          <Field name="budget_usd" label="Budget (USD)" hint="Empty: no budget. Past it, requests get a 429." error={errors.fields.budget_usd} form="create">
            {(c) => <input {...c} type="number" min={0} step="0.01" inputMode="decimal" value={v.budget_usd} onInput={set('budget_usd')} />}
          </Field>
          <Field name="budget_period" label="Budget period" error={errors.fields.budget_period} form="create">
            {(c) => (
              <select {...c} value={v.budget_period} onChange={set('budget_period')} disabled={v.budget_usd === ''}>
                <option value="day">Per day (from 00:00 UTC)</option>
                <option value="week">Per week (from Monday)</option>
                <option value="month">Per month</option>
                <option value="none">In total</option>
              </select>
            )}
          </Field>
          <Field name="expires" label="Expires" error={errors.fields.expires} form="create">
            {(c) => (
              <select {...c} value={v.expires} onChange={set('expires')}>
                {EXPIRY.map((x) => <option key={x.value} value={x.value}>{x.label}</option>)}
              </select>
            )}
          </Field>
          {v.expires === 'at' ? (
            <Field name="expires_at" label="Expiry date and time" hint="Your local time." form="create" error={errors.fields.expires}>
              {(c) => <input {...c} type="datetime-local" required value={v.expires_at} onInput={set('expires_at')} />}
            </Field>
          ) : null}
          <div class="full"><ErrorNote error={errors.form} /></div>
        </div>
        <footer>
          <button type="button" onClick={props.onClose}>Cancel</button>
          <button type="submit" class="primary" disabled={busy}>{busy ? 'Creating…' : 'Create Token'}</button>
        </footer>
      </form>
    </Dialog>
  );
}
