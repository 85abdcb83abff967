import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorNote } from '../components/Feedback';
import { Field, formErrors, noErrors, type FormErrors } from '../components/Field';
import { useLoad } from '../use-load';
import type { Session } from '../types';

type OperatorLogin = 'admin_key' | 'this_machine' | 'off';

/** Members log in with their email and password; the operator with the admin key (or, on a loopback server without one, as this machine). */
export function Login(props: { notice: string | undefined; onLoggedIn: (s: Session) => void }) {
  const options = useLoad(() => api<{ operator_login: OperatorLogin }>('GET', '/login-options'), []);
  const [as, setAs] = useState<'member' | 'operator'>('member');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [adminKey, setAdminKey] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const operator = options.data?.operator_login ?? 'admin_key';

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors(noErrors);
    try {
      const session = as === 'member'
        ? await api<Session>('POST', '/login', { email, password })
        : await api<Session>('POST', '/login/operator', operator === 'admin_key' ? { admin_key: adminKey } : {});
      props.onLoggedIn(session);
    } catch (error) {
      setErrors(formErrors(error, ['email', 'password', 'admin_key']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="center" id="main">
      <form class="card login" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Lingua console</h1>
        {props.notice === undefined ? null : <p class="notice" role="status">{props.notice}</p>}
        <fieldset class="segmented">
          <legend>Log in as</legend>
          <label><input type="radio" name="as" value="member" checked={as === 'member'} onChange={() => { setAs('member'); setErrors(noErrors); }} /> Account member</label>
          <label><input type="radio" name="as" value="operator" checked={as === 'operator'} onChange={() => { setAs('operator'); setErrors(noErrors); }} /> Operator</label>
        </fieldset>
        {as === 'member' ? (
          <>
            <Field name="email" label="Email" error={errors.fields.email} form="login">
              {(c) => <input {...c} type="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
            </Field>
            <Field name="password" label="Password" error={errors.fields.password} form="login" hint="Set through the invite link the operator sent you.">
              {(c) => <input {...c} type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}
            </Field>
          </>
        ) : operator === 'admin_key' ? (
          <Field name="admin_key" label="Admin key" error={errors.fields.admin_key} form="login" hint="The server's admin_key (LINGUA_ADMIN_KEY).">
            {(c) => <input {...c} type="password" autoComplete="off" required value={adminKey} onInput={(e) => setAdminKey(e.currentTarget.value)} />}
          </Field>
        ) : operator === 'this_machine' ? (
          <p class="hint">This server has no admin key: the operator may log in from this machine only.</p>
        ) : (
          <p class="hint">Operator login is off: this server listens on a public address without an admin key. Set <code>admin_key</code> to use it.</p>
        )}
        <ErrorNote error={errors.form} />
        <button type="submit" class="primary" disabled={busy || (as === 'operator' && operator === 'off')}>{busy ? 'Logging in…' : 'Log in'}</button>
      </form>
    </main>
  );
}
