import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorNote, Loading } from '../components/Feedback';
import { Field, formErrors, noErrors, type FormErrors } from '../components/Field';
import { dateTime } from '../format';
import { navigate } from '../router';
import { useLoad } from '../use-load';
import type { Session } from '../types';

interface InviteInfo {
  email: string;
  account_name: string;
  expires_at: string;
  existing_member: boolean;
}

/** An invite link (`#/invite/<token>`): the member chooses a password and is logged in. */
export function Invite(props: { token: string; onLoggedIn: (s: Session) => void }) {
  const invite = useLoad(() => api<InviteInfo>('POST', '/invite/lookup', { token: props.token }), [props.token]);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  useEffect(() => { document.title = 'Accept invite · Lingua console'; }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (password !== repeat) {
      setErrors({ fields: { repeat: 'The two passwords differ.' }, form: undefined });
      return;
    }
    setBusy(true);
    setErrors(noErrors);
    try {
      const session = await api<Session>('POST', '/invite/accept', { token: props.token, password });
      props.onLoggedIn(session);
      // The token is spent: out of the address bar and the history with it.
      navigate('keys', {}, true);
    } catch (error) {
      setErrors(formErrors(error, ['password']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="center" id="main">
      <div class="card login">
        <h1>Join Lingua</h1>
        {invite.loading ? <Loading what="the invite" /> : invite.data === undefined ? (
          <>
            <ErrorNote error={invite.error} />
            <p><a href="#/">Go to the login page</a></p>
          </>
        ) : (
          <form onSubmit={submit}>
            <p>
              You are invited to the account <strong>{invite.data.account_name}</strong> as <strong>{invite.data.email}</strong>.
              {invite.data.existing_member ? ' You already have a login: this link sets a new password.' : ' Choose a password to log in with.'}
              {' '}The link works once, until {dateTime(invite.data.expires_at)}.
            </p>
            <input type="email" name="email" autoComplete="username" value={invite.data.email} hidden readOnly />
            <Field name="password" label="Password" error={errors.fields.password} form="invite" hint="At least 10 characters.">
              {(c) => <input {...c} type="password" autoComplete="new-password" required minLength={10} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}
            </Field>
            <Field name="repeat" label="Password again" error={errors.fields.repeat} form="invite">
              {(c) => <input {...c} type="password" autoComplete="new-password" required value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} />}
            </Field>
            <ErrorNote error={errors.form} />
            <button type="submit" class="primary" disabled={busy}>{busy ? 'Setting it…' : 'Set password and log in'}</button>
          </form>
        )}
      </div>
    </main>
  );
}
