import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorNote, Loading } from '../components/Feedback';
import { Field } from '../components/Field';
import { relative } from '../format';
import { prepare, send, shownHeaders, type CallError, type Outcome, type Protocol, type Settings, type Turn } from '../playground-call';
import { playgroundKey, type PlaygroundKey } from '../playground-key';
import { useSession } from '../session';

/** The models a key may use, from the real GET /v1/models. */
async function listModels(key: string | null): Promise<string[]> {
  const res = await fetch('/v1/models', { headers: key === null ? {} : { authorization: `Bearer ${key}` }, credentials: 'omit' });
  const json = (await res.json()) as { data?: Array<{ id: string }>; error?: { message: string } };
  if (!res.ok) throw new Error(json.error?.message ?? `GET /v1/models answered ${res.status}`);
  return (json.data ?? []).map((m) => m.id);
}

/** The form's field for each protocol's name of it. */
const formFields: Record<string, string> = { max_tokens: 'maxTokens', max_completion_tokens: 'maxTokens', max_output_tokens: 'maxTokens', instructions: 'system' };

/** The error's field, as the form names it. */
const fieldOfCall = (e: CallError | undefined): string | null => {
  const p = e?.param?.split(/[.[]/)[0];
  return p === undefined ? null : formFields[p] ?? p;
};

/**
 * Chat with any model the key may use, through the real caller endpoints:
 * OpenAI Chat Completions, Anthropic Messages or OpenAI Responses, streamed or not, with
 * the raw request and response shown. The key is the session's playground
 * key (made by the server, for an hour) or one the user pastes.
 */
export function Playground() {
  const session = useSession();
  const [source, setSource] = useState<'session' | 'own'>('session');
  const [ownKey, setOwnKey] = useState('');
  const [sessionKey, setSessionKey] = useState<PlaygroundKey | undefined>(undefined);
  const [keyError, setKeyError] = useState<unknown>(undefined);
  const [models, setModels] = useState<string[] | undefined>(undefined);
  const [modelsError, setModelsError] = useState<unknown>(undefined);
  const [s, setS] = useState<Settings>({ protocol: 'openai', model: '', system: '', temperature: '', maxTokens: '', stream: true });
  const [turns, setTurns] = useState<Turn[]>([]);
  const [input, setInput] = useState('');
  const [partial, setPartial] = useState<string | undefined>(undefined);
  const [raw, setRaw] = useState<{ request: string; response: string } | undefined>(undefined);
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const [failure, setFailure] = useState<unknown>(undefined);
  const running = useRef<AbortController | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const key: string | null | undefined = source === 'own' ? (ownKey.trim() === '' ? undefined : ownKey.trim()) : sessionKey === undefined ? undefined : sessionKey.key;

  useEffect(() => {
    if (source !== 'session' || sessionKey !== undefined) return;
    playgroundKey(session.csrf_token).then(setSessionKey, setKeyError);
  }, [source]);

  useEffect(() => {
    if (key === undefined) return;
    setModels(undefined);
    setModelsError(undefined);
    listModels(key).then((list) => {
      setModels(list);
      setS((prev) => ({ ...prev, model: list.includes(prev.model) ? prev.model : list[0] ?? '' }));
    }, setModelsError);
  }, [key]);

  const run = async (e: Event) => {
    e.preventDefault();
    if (key === undefined || input.trim() === '' || busy) return;
    const next: Turn[] = [...turns, { role: 'user', content: input }];
    const prepared = prepare(s, next, key);
    const request = `POST ${location.origin}${prepared.url}\n${Object.entries(shownHeaders(prepared.headers)).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${JSON.stringify(prepared.body, null, 2)}`;
    const controller = new AbortController();
    running.current = controller;
    setBusy(true);
    setTurns(next);
    setInput('');
    setPartial('');
    setOutcome(undefined);
    setFailure(undefined);
    setRaw({ request, response: '' });
    try {
      const result = await send(prepared, s.protocol, controller.signal, (response) => setRaw({ request, response }), setPartial);
      setOutcome(result);
      if (result.error === undefined) setTurns([...next, { role: 'assistant', content: result.text }]);
    } catch (error) {
      setFailure(controller.signal.aborted ? 'Stopped.' : error);
    } finally {
      setPartial(undefined);
      setBusy(false);
      running.current = undefined;
    }
  };

  const errorField = fieldOfCall(outcome?.error);
  const fieldError = (name: string) => (errorField === name ? outcome?.error?.message : undefined);
  const set = (f: keyof Settings) => (e: Event) => setS({ ...s, [f]: (e.currentTarget as HTMLInputElement).value });
  const protocols: Array<{ id: Protocol; label: string }> = [
    { id: 'openai', label: 'OpenAI Chat Completions' },
    { id: 'anthropic', label: 'Anthropic Messages' },
    { id: 'responses', label: 'OpenAI Responses' },
  ];

  return (
    <div class="playground">
      <form class="card settings" onSubmit={(e) => e.preventDefault()} aria-label="Playground settings">
        <fieldset>
          <legend>Key</legend>
          <label class="block"><input type="radio" name="key-source" checked={source === 'session'} onChange={() => setSource('session')} /> A playground key for this session</label>
          <label class="block"><input type="radio" name="key-source" checked={source === 'own'} onChange={() => setSource('own')} /> One of my keys</label>
          {source === 'session' ? (
            keyError !== undefined ? <ErrorNote error={keyError} /> : sessionKey === undefined ? <Loading what="a key" /> : (
              <p class="hint">{sessionKey.note ?? <>Key <code>{sessionKey.id}</code>, made for this session; it expires {relative(new Date(sessionKey.expiresAt).toISOString())} and is revoked when you log out. Its usage counts as {session.account === null ? 'no account' : `${session.account.name}'s`}.</>}</p>
            )
          ) : (
            <Field name="own-key" label="API key" hint="Kept in this page only." form="pg">
              {(c) => <input {...c} type="password" autoComplete="off" placeholder="sk-lingua-…" value={ownKey} onInput={(e) => setOwnKey(e.currentTarget.value)} />}
            </Field>
          )}
        </fieldset>
        <fieldset>
          <legend>API</legend>
          {protocols.map((p) => (
            <label key={p.id} class="block">
              <input type="radio" name="protocol" checked={s.protocol === p.id} onChange={() => setS({ ...s, protocol: p.id })} /> {p.label}
            </label>
          ))}
        </fieldset>
        <Field name="model" label="Model" error={fieldError('model') ?? (modelsError === undefined ? undefined : String((modelsError as Error).message ?? modelsError))} form="pg">
          {(c) => (
            <select {...c} value={s.model} onChange={set('model')} disabled={models === undefined || models.length === 0}>
              {models === undefined ? <option value="">Loading…</option> : models.length === 0 ? <option value="">This key may use no model</option> : models.map((m) => <option key={m} value={m}>{m}</option>)}
            </select>
          )}
        </Field>
        <Field name="system" label="System prompt" error={fieldError('system') ?? fieldError('messages')} form="pg">
          {(c) => <textarea {...c} rows={3} value={s.system} onInput={set('system')} />}
        </Field>
        <div class="row">
          <Field name="temperature" label="Temperature" hint="Empty: the model's default." error={fieldError('temperature')} form="pg">
            {(c) => <input {...c} type="number" min={0} max={2} step={0.1} inputMode="decimal" value={s.temperature} onInput={set('temperature')} />}
          </Field>
          <Field name="maxTokens" label="Max tokens" hint={s.protocol === 'anthropic' ? 'Empty: 1024.' : 'Empty: no limit.'} error={fieldError('maxTokens')} form="pg">
            {(c) => <input {...c} type="number" min={1} step={1} inputMode="numeric" value={s.maxTokens} onInput={set('maxTokens')} />}
          </Field>
        </div>
        <label class="block"><input type="checkbox" checked={s.stream} onChange={(e) => setS({ ...s, stream: e.currentTarget.checked })} /> Stream the answer</label>
      </form>

      <section class="card chat" aria-label="Conversation">
        <ol class="turns" aria-live="polite">
          {turns.map((t, i) => <li key={i} class={`turn ${t.role}`}><span class="role">{t.role === 'user' ? 'You' : s.model}</span><div class="content">{t.content}</div></li>)}
          {partial === undefined ? null : <li class="turn assistant pending"><span class="role">{s.model}</span><div class="content">{partial === '' ? '…' : partial}</div></li>}
        </ol>
        {turns.length === 0 && partial === undefined ? <p class="hint">Ask something to start; Ctrl+Enter sends.</p> : null}
        {outcome?.error === undefined || errorField !== null && ['model', 'temperature', 'maxTokens', 'system'].includes(errorField) ? null : <ErrorNote error={`${outcome.error.status}: ${outcome.error.message}`} />}
        <ErrorNote error={failure} />
        {outcome?.usage === undefined ? null : <p class="hint" data-testid="playground-usage">{outcome.usage.input} tokens in, {outcome.usage.output} out</p>}
        <form class="compose" onSubmit={run}>
          <label for="pg-input" class="visually-hidden">Message</label>
          <textarea id="pg-input" rows={3} value={input} placeholder="Message" onInput={(e) => setInput(e.currentTarget.value)} onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) run(e); }} />
          <div class="buttons">
            {busy ? <button type="button" onClick={() => running.current?.abort()}>Stop</button> : <button type="submit" class="primary" disabled={key === undefined || s.model === '' || input.trim() === ''}>Send</button>}
            <button type="button" onClick={() => { setTurns([]); setOutcome(undefined); setRaw(undefined); }} disabled={busy || turns.length === 0}>Clear</button>
          </div>
        </form>
        {raw === undefined ? null : (
          <div class="raw">
            <details open>
              <summary>Raw request</summary>
              <pre data-testid="raw-request"><code>{raw.request}</code></pre>
            </details>
            <details open>
              <summary>Raw response{outcome === undefined ? '' : ` (${outcome.status})`}</summary>
              <pre data-testid="raw-response"><code>{raw.response}</code></pre>
            </details>
          </div>
        )}
      </section>
    </div>
  );
}
