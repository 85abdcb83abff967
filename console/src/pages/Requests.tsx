import { useState } from 'preact/hooks';
import { api, fieldOf, withQuery } from '../api';
import { Dialog } from '../components/Dialog';
import { Empty, ErrorNote, Loading } from '../components/Feedback';
import { count, dateTime, ms, usd } from '../format';
import { useSession } from '../session';
import type { Key, List, ModelsView, RequestRecord, RequestsPage } from '../types';
import { useLoad } from '../use-load';

const PAGE = 50;

interface Filters {
  key: string;
  model: string;
  status: string;
}

/** The latest requests from the ledger, filtered; one opens its whole record. */
export function Requests() {
  const session = useSession();
  const [filters, setFilters] = useState<Filters>({ key: '', model: '', status: '' });
  const [older, setOlder] = useState<RequestRecord[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>(undefined);
  const [open, setOpen] = useState<RequestRecord | undefined>(undefined);
  const keys = useLoad(() => api<List<Key>>('GET', '/keys'), []);
  const models = useLoad(() => api<ModelsView>('GET', '/models'), []);
  const query = { key: filters.key, model: filters.model, status: filters.status, limit: PAGE };
  const page = useLoad(async () => {
    const p = await api<RequestsPage>('GET', withQuery('/requests', query));
    setOlder([]);
    setCursor(p.next_cursor);
    return p;
  }, [filters.key, filters.model, filters.status]);
  const keyName = new Map((keys.data?.data ?? []).map((k) => [k.id, k.name]));
  const rows = [...(page.data?.data ?? []), ...older];
  // A bad status filter is named next to its field (the API's 400 names `status`).
  const statusError = fieldOf(page.error) === 'status' ? (page.error as Error).message : undefined;
  const set = (f: keyof Filters) => (e: Event) => setFilters({ ...filters, [f]: (e.currentTarget as HTMLInputElement).value });

  const more = async () => {
    if (cursor === null) return;
    setMoreError(undefined);
    try {
      const p = await api<RequestsPage>('GET', withQuery('/requests', { ...query, cursor }));
      setOlder([...older, ...p.data]);
      setCursor(p.next_cursor);
    } catch (error) {
      setMoreError(error);
    }
  };

  return (
    <>
      <form class="toolbar filters" onSubmit={(e) => e.preventDefault()} aria-label="Request filters">
        <label class="inline">Key{' '}
          <select value={filters.key} onChange={set('key')}>
            <option value="">{session.kind === 'operator' ? 'All keys' : 'All your keys'}</option>
            {(keys.data?.data ?? []).map((k) => <option key={k.id} value={k.id}>{k.name} ({k.id})</option>)}
          </select>
        </label>
        <label class="inline">Model{' '}
          <select value={filters.model} onChange={set('model')}>
            <option value="">All models</option>
            {(models.data?.data ?? []).map((m) => <option key={m.name} value={m.name}>{m.name}</option>)}
          </select>
        </label>
        <label class="inline">Status{' '}
          <input type="text" inputMode="numeric" size={4} placeholder="any" value={filters.status} onChange={set('status')} aria-invalid={statusError !== undefined} aria-describedby={statusError === undefined ? undefined : 'status-error'} />
        </label>
        {statusError === undefined ? null : <span class="field-error" id="status-error">{statusError}</span>}
        <button type="button" onClick={page.reload}>Refresh</button>
      </form>
      {statusError === undefined ? <ErrorNote error={page.error} retry={page.reload} /> : null}
      {page.data === undefined ? (page.loading ? <Loading what="requests" /> : null) : rows.length === 0 ? (
        <Empty><p>No requests{filters.key !== '' || filters.model !== '' || filters.status !== '' ? ' match these filters' : ' yet'} — every call to <code>/v1/chat/completions</code> or <code>/v1/messages</code> with one of your keys shows up here. Try the <a href="#/playground">Playground</a>.</p></Empty>
      ) : (
        <>
          <div class="table-wrap">
            <table class="stack numbers" data-testid="requests-table">
              <caption class="visually-hidden">Latest requests, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th><th scope="col">Key</th><th scope="col">Model</th><th scope="col">Status</th>
                  <th scope="col">Tokens in / out</th><th scope="col">Cost</th><th scope="col">Latency</th><th scope="col">TTFT</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.request_id}>
                    <th scope="row" data-label="Time">
                      <button type="button" class="link" onClick={() => setOpen(r)} aria-label={`Request ${r.request_id} at ${dateTime(r.created_at)}`}>{dateTime(r.created_at)}</button>
                    </th>
                    <td data-label="Key">{r.key_id === null ? '—' : keyName.get(r.key_id) ?? r.key_id}</td>
                    <td data-label="Model">{r.model ?? '—'}</td>
                    <td data-label="Status"><span class={`status s${Math.floor(r.status / 100)}xx`}>{r.status}</span></td>
                    <td data-label="Tokens">{count(r.input_tokens)} / {count(r.output_tokens)}{r.estimated ? ' (est.)' : ''}</td>
                    <td data-label="Cost">{usd(r.cost_usd)}{r.unpriced ? '*' : ''}</td>
                    <td data-label="Latency">{ms(r.latency_ms)}</td>
                    <td data-label="TTFT">{ms(r.ttft_ms)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ErrorNote error={moreError} />
          {cursor === null ? null : <button type="button" onClick={more}>Load older requests</button>}
        </>
      )}
      {open === undefined ? null : (
        <Dialog title="Request" onClose={() => setOpen(undefined)} wide>
          <div class="dialog-body">
            <dl class="record">
              {Object.entries(open).map(([k, v]) => (
                <div key={k}><dt>{k}</dt><dd>{k === 'key_id' && typeof v === 'string' && keyName.has(v) ? `${v} (${keyName.get(v)})` : v === null ? 'null' : String(v)}</dd></div>
              ))}
            </dl>
            <details><summary>JSON</summary><pre><code>{JSON.stringify(open, null, 2)}</code></pre></details>
          </div>
        </Dialog>
      )}
    </>
  );
}
