import { useState } from 'preact/hooks';
import { api } from '../api';
import { CopyButton } from '../components/CopyButton';
import { Confirm, Dialog } from '../components/Dialog';
import { Empty, ErrorNote, Loading } from '../components/Feedback';
import { Field, formErrors, noErrors, type FormErrors } from '../components/Field';
import { budget, dateTime, limits, relative } from '../format';
import { href } from '../router';
import type { Account, CreatedInvite, Invite, List, Member } from '../types';
import { useLoad } from '../use-load';

const ACCOUNT_FIELDS = ['name', 'email', 'rpm', 'tpm', 'max_concurrency', 'budget_usd', 'budget_period'] as const;

function NewAccount(props: { onClose: () => void; onCreated: (a: Account) => void }) {
  const [v, setV] = useState<Record<(typeof ACCOUNT_FIELDS)[number], string>>({ name: '', email: '', rpm: '', tpm: '', max_concurrency: '', budget_usd: '', budget_period: 'month' });
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const set = (f: keyof typeof v) => (e: Event) => setV({ ...v, [f]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors(noErrors);
    const body: Record<string, unknown> = { name: v.name };
    if (v.email.trim() !== '') body.email = v.email.trim();
    for (const f of ['rpm', 'tpm', 'max_concurrency', 'budget_usd'] as const) if (v[f].trim() !== '') body[f] = Number(v[f]);
    if (body.budget_usd !== undefined) body.budget_period = v.budget_period;
    try {
      props.onCreated(await api<Account>('POST', '/accounts', body));
    } catch (error) {
      setErrors(formErrors(error, ACCOUNT_FIELDS));
    } finally {
      setBusy(false);
    }
  };
  const num = (name: 'rpm' | 'tpm' | 'max_concurrency' | 'budget_usd', label: string, step = '1') => (
    <Field name={name} label={label} hint="Empty: none." error={errors.fields[name]} form="account">
      {(c) => <input {...c} type="number" min={0} step={step} value={v[name]} onInput={set(name)} />}
    </Field>
  );
  return (
    <Dialog title="New account" onClose={props.onClose} wide>
      <form onSubmit={submit} noValidate>
        <div class="dialog-body grid">
          <Field name="name" label="Name" hint="A person or a team." error={errors.fields.name} form="account">
            {(c) => <input {...c} type="text" required autoFocus value={v.name} onInput={set('name')} />}
          </Field>
          <Field name="email" label="Contact email" error={errors.fields.email} form="account">
            {(c) => <input {...c} type="email" value={v.email} onInput={set('email')} />}
          </Field>
          {num('rpm', 'Requests per minute')}
          {num('tpm', 'Tokens per minute')}
          {num('max_concurrency', 'Requests at once')}
          {num('budget_usd', 'Budget (USD)', '0.01')}
          <Field name="budget_period" label="Budget period" error={errors.fields.budget_period} form="account">
            {(c) => (
              <select {...c} value={v.budget_period} onChange={set('budget_period')} disabled={v.budget_usd === ''}>
                <option value="day">Per day</option><option value="week">Per week</option><option value="month">Per month</option><option value="none">In total</option>
              </select>
            )}
          </Field>
          <div class="full"><ErrorNote error={errors.form} /></div>
        </div>
        <footer>
          <button type="button" onClick={props.onClose}>Cancel</button>
          <button type="submit" class="primary" disabled={busy}>{busy ? 'Creating…' : 'Create account'}</button>
        </footer>
      </form>
    </Dialog>
  );
}

/** One account's members and invites, and a form to invite someone. */
function AccountPeople(props: { account: Account }) {
  const id = encodeURIComponent(props.account.id);
  const members = useLoad(() => api<List<Member>>('GET', `/accounts/${id}/members`), [id]);
  const invites = useLoad(() => api<List<Invite>>('GET', `/accounts/${id}/invites`), [id]);
  const [email, setEmail] = useState(props.account.email ?? '');
  const [expires, setExpires] = useState('7d');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [created, setCreated] = useState<CreatedInvite | undefined>(undefined);
  const [removing, setRemoving] = useState<Member | undefined>(undefined);
  const [removeError, setRemoveError] = useState<unknown>(undefined);

  const invite = async (e: Event) => {
    e.preventDefault();
    setErrors(noErrors);
    try {
      setCreated(await api<CreatedInvite>('POST', `/accounts/${id}/invites`, { email, expires_in: expires }));
      invites.reload();
    } catch (error) {
      setErrors(formErrors(error, ['email', 'expires_in']));
    }
  };
  const withdraw = async (i: Invite) => {
    await api('DELETE', `/invites/${encodeURIComponent(i.id)}`).catch(() => undefined);
    invites.reload();
  };
  const remove = async () => {
    if (removing === undefined) return;
    try {
      await api('DELETE', `/members/${encodeURIComponent(removing.id)}`);
      setRemoving(undefined);
      members.reload();
    } catch (error) {
      setRemoveError(error);
    }
  };
  const link = created === undefined ? '' : `${location.origin}${created.path}`;

  return (
    <div class="people">
      <h3>Members</h3>
      <ErrorNote error={members.error} retry={members.reload} />
      {members.data === undefined ? <Loading what="members" /> : members.data.data.length === 0 ? <p class="hint">No members yet: invite someone below.</p> : (
        <ul class="plain">
          {members.data.data.map((m) => (
            <li key={m.id}>{m.email} <span class="hint">last login {relative(m.last_login_at)}</span> <button type="button" class="link danger" onClick={() => { setRemoveError(undefined); setRemoving(m); }}>Remove</button></li>
          ))}
        </ul>
      )}
      <h3>Invites</h3>
      {invites.data === undefined ? null : invites.data.data.filter((i) => i.status === 'pending').length === 0 ? <p class="hint">No pending invites.</p> : (
        <ul class="plain">
          {invites.data.data.filter((i) => i.status === 'pending').map((i) => (
            <li key={i.id}>{i.email} <span class="hint">expires {relative(i.expires_at)}</span> <button type="button" class="link" onClick={() => withdraw(i)}>Withdraw</button></li>
          ))}
        </ul>
      )}
      <form class="row invite-form" onSubmit={invite} noValidate>
        <Field name="email" label="Invite by email" error={errors.fields.email} form={`invite-${props.account.id}`}>
          {(c) => <input {...c} type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
        </Field>
        <Field name="expires_in" label="Link works for" error={errors.fields.expires_in} form={`invite-${props.account.id}`}>
          {(c) => (
            <select {...c} value={expires} onChange={(e) => setExpires(e.currentTarget.value)}>
              <option value="1d">1 day</option><option value="7d">7 days</option><option value="30d">30 days</option>
            </select>
          )}
        </Field>
        <button type="submit" class="primary">Create invite link</button>
      </form>
      <ErrorNote error={errors.form} />
      {created === undefined ? null : (
        <div class="notice" role="status">
          <p>Send this link to {created.email}{created.resets_password ? ' (already a member: it sets a new password)' : ''}. It works once, until {dateTime(created.expires_at)}, and is not shown again.</p>
          <div class="secret"><code data-testid="invite-link">{link}</code><CopyButton text={link} label="Copy link" /></div>
        </div>
      )}
      {removing === undefined ? null : (
        <Confirm title={`Remove ${removing.email}?`} action="Remove member" danger onConfirm={remove} onClose={() => setRemoving(undefined)}>
          <p>Their login ends now. The account's keys keep working.</p>
          <ErrorNote error={removeError} />
        </Confirm>
      )}
    </div>
  );
}

/** The operator's accounts: create one, see its budget, invite its members. */
export function Accounts() {
  const accounts = useLoad(() => api<List<Account>>('GET', '/accounts'), []);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string | undefined>(undefined);
  return (
    <>
      <div class="toolbar">
        <button type="button" class="primary" onClick={() => setCreating(true)}>New account</button>
        <button type="button" onClick={accounts.reload}>Refresh</button>
      </div>
      <ErrorNote error={accounts.error} retry={accounts.reload} />
      {accounts.data === undefined ? (accounts.loading ? <Loading what="accounts" /> : null) : accounts.data.data.length === 0 ? (
        <Empty><p>No accounts yet — <button type="button" class="link" onClick={() => setCreating(true)}>New account</button>, then invite its members.</p></Empty>
      ) : (
        <ul class="accounts">
          {accounts.data.data.map((a) => (
            <li key={a.id} class="card">
              <div class="account-head">
                <h2>{a.name} <span class={`status ${a.status === 'active' ? 'active' : 'revoked'}`}>{a.status}</span></h2>
                <code>{a.id}</code>
              </div>
              <dl class="facts">
                <div><dt>Budget</dt><dd>{budget(a)}</dd></div>
                <div><dt>Limits</dt><dd>{limits(a)}</dd></div>
                <div><dt>Last used</dt><dd>{relative(a.last_used_at)}</dd></div>
              </dl>
              <p>
                <a href={href('keys', { account: a.id })}>Keys</a>
                {' · '}
                <button type="button" class="link" aria-expanded={open === a.id} onClick={() => setOpen(open === a.id ? undefined : a.id)}>Members and invites</button>
              </p>
              {open === a.id ? <AccountPeople account={a} /> : null}
            </li>
          ))}
        </ul>
      )}
      {creating ? <NewAccount onClose={() => setCreating(false)} onCreated={(a) => { setCreating(false); setOpen(a.id); accounts.reload(); }} /> : null}
    </>
  );
}
