import { useState } from 'preact/hooks';
import { api, withQuery } from '../api';
import { Confirm } from '../components/Dialog';
import { Empty, ErrorNote, Loading } from '../components/Feedback';
import { SecretPanel } from '../components/SecretPanel';
import { budget, dateTime, limits, relative } from '../format';
import { navigate } from '../router';
import { useSession } from '../session';
import type { Account, Key, KeyWithSecret, List, ModelsView } from '../types';
import { useLoad } from '../use-load';
import { CreateToken } from './CreateToken';

type Pending = { action: 'revoke' | 'rotate'; key: Key } | undefined;

const GRACE = [
  { value: 0, label: 'The old secret stops working now' },
  { value: 3600, label: 'The old secret keeps working for 1 hour' },
  { value: 86_400, label: 'The old secret keeps working for 24 hours' },
];

/** Keys: the list, Create Token, and revoke / rotate with confirmation. A member sees its account's keys only. */
export function Keys(props: { query: URLSearchParams }) {
  const session = useSession();
  const operator = session.kind === 'operator';
  const accountFilter = operator ? props.query.get('account') ?? '' : '';
  const keys = useLoad(() => api<List<Key>>('GET', withQuery('/keys', { account_id: accountFilter })), [accountFilter]);
  const accounts = useLoad(() => (operator ? api<List<Account>>('GET', '/accounts') : Promise.resolve({ data: [] as Account[] })), []);
  const account = useLoad(() => (operator ? Promise.resolve(undefined) : api<Account>('GET', '/account')), []);
  const models = useLoad(() => api<ModelsView>('GET', '/models'), []);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ key: KeyWithSecret; rotated: boolean } | undefined>(undefined);
  const [pending, setPending] = useState<Pending>(undefined);
  const [grace, setGrace] = useState(0);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [showAll, setShowAll] = useState(false);

  const served = (models.data?.data ?? []).map((m) => m.name);
  const accountName = new Map((accounts.data?.data ?? []).map((a) => [a.id, a.name]));
  const all = keys.data?.data ?? [];
  const inactive = all.filter((k) => k.status !== 'active').length;
  const shown = showAll ? all : all.filter((k) => k.status === 'active');

  const act = async () => {
    if (pending === undefined) return;
    setBusy(true);
    setActionError(undefined);
    try {
      if (pending.action === 'revoke') await api('DELETE', `/keys/${encodeURIComponent(pending.key.id)}`);
      else setSecret({ key: await api<KeyWithSecret>('POST', `/keys/${encodeURIComponent(pending.key.id)}/rotate`, grace === 0 ? {} : { grace_period_s: grace }), rotated: true });
      setPending(undefined);
      keys.reload();
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {account.data === undefined ? null : (
        <section class="summary" aria-label="Your account">
          <div><span class="label">Account</span> {account.data.name}{account.data.status === 'disabled' ? ' (disabled: its keys are refused)' : ''}</div>
          <div><span class="label">Budget</span> {budget(account.data)}{account.data.budget_resets_at === null ? '' : `; resets ${dateTime(account.data.budget_resets_at)}`}</div>
          <div><span class="label">Limits</span> {limits(account.data)}</div>
        </section>
      )}
      <div class="toolbar">
        <button type="button" class="primary" onClick={() => setCreating(true)}>Create Token</button>
        {operator ? (
          <label class="inline">
            Account{' '}
            <select value={accountFilter} onChange={(e) => navigate('keys', { account: e.currentTarget.value })}>
              <option value="">All accounts</option>
              {(accounts.data?.data ?? []).map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
            </select>
          </label>
        ) : null}
        <label class="inline">
          <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.currentTarget.checked)} /> Show revoked and expired ({inactive})
        </label>
        <button type="button" onClick={keys.reload}>Refresh</button>
      </div>
      <ErrorNote error={keys.error} retry={keys.reload} />
      {keys.loading && keys.data === undefined ? <Loading what="keys" /> : shown.length === 0 && keys.error === undefined ? (
        <Empty>
          {all.length === 0 ? <p>No keys yet — <button type="button" class="link" onClick={() => setCreating(true)}>Create Token</button> to call the API.</p>
            : <p>No active keys ({inactive} revoked or expired). <button type="button" class="link" onClick={() => setCreating(true)}>Create Token</button></p>}
        </Empty>
      ) : shown.length === 0 ? null : (
        <div class="table-wrap">
          <table class="stack">
            <caption class="visually-hidden">Keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th><th scope="col">Public id</th>{operator ? <th scope="col">Account</th> : null}<th scope="col">Models</th>
                <th scope="col">Limits</th><th scope="col">Budget</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {shown.map((k) => (
                <tr key={k.id} data-key-id={k.id}>
                  <td data-label="Name">{k.name}{k.metadata?.console === 'playground' ? <span class="tag">playground</span> : null}</td>
                  <td data-label="Public id"><code>{k.id}</code></td>
                  {operator ? <td data-label="Account">{k.account_id === null ? '—' : accountName.get(k.account_id) ?? k.account_id}</td> : null}
                  <td data-label="Models">{k.models.length === 0 ? 'all' : k.models.join(', ')}</td>
                  <td data-label="Limits">{limits(k)}</td>
                  <td data-label="Budget">{budget(k)}</td>
                  <td data-label="Last used" title={dateTime(k.last_used_at)}>{relative(k.last_used_at)}</td>
                  <td data-label="Status">
                    <span class={`status ${k.status}`}>{k.status}</span>
                    {k.expires_at !== null && k.status === 'active' ? <span class="hint"> expires {relative(k.expires_at)}</span> : null}
                  </td>
                  <td class="actions">
                    {k.status === 'revoked' ? null : (
                      <>
                        <button type="button" onClick={() => { setGrace(0); setActionError(undefined); setPending({ action: 'rotate', key: k }); }} aria-label={`Rotate ${k.name}`}>Rotate</button>
                        <button type="button" class="danger" onClick={() => { setActionError(undefined); setPending({ action: 'revoke', key: k }); }} aria-label={`Revoke ${k.name}`}>Revoke</button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating ? (
        <CreateToken
          accounts={operator ? accounts.data?.data ?? [] : undefined}
          defaultAccount={accountFilter}
          served={served}
          firstKey={session.keys_required === false}
          onClose={() => setCreating(false)}
          onCreated={(k) => { setCreating(false); setSecret({ key: k, rotated: false }); keys.reload(); }}
        />
      ) : null}
      {secret === undefined ? null : <SecretPanel created={secret.key} rotated={secret.rotated} served={served} onClose={() => setSecret(undefined)} />}
      {pending === undefined ? null : pending.action === 'revoke' ? (
        <Confirm title={`Revoke ${pending.key.name}?`} action="Revoke key" danger busy={busy} onConfirm={act} onClose={() => setPending(undefined)}>
          <p>Callers using <code>{pending.key.id}</code> get a 401 from now on. A revoked key cannot be used again.</p>
          <ErrorNote error={actionError} />
        </Confirm>
      ) : (
        <Confirm title={`Rotate ${pending.key.name}?`} action="Rotate key" busy={busy} onConfirm={act} onClose={() => setPending(undefined)}>
          <p>The key keeps its id, limits and usage; it gets a new secret, shown once.</p>
          <fieldset>
            <legend>The old secret</legend>
            {GRACE.map((g) => (
              <label key={g.value} class="block"><input type="radio" name="grace" checked={grace === g.value} onChange={() => setGrace(g.value)} /> {g.label}</label>
            ))}
          </fieldset>
          <ErrorNote error={actionError} />
        </Confirm>
      )}
    </>
  );
}
