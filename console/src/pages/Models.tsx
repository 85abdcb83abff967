import { useState } from 'preact/hooks';
import { api } from '../api';
import { Confirm } from '../components/Dialog';
import { Empty, ErrorNote, Loading } from '../components/Feedback';
import { count, dateTime, ms, relative } from '../format';
import { useSession } from '../session';
import type { ModelInfo, ModelsView, Pricing } from '../types';
import { useLoad } from '../use-load';

const price = (p: Pricing | null): string => (p === null ? 'unpriced' : `$${p.input} in · $${p.output} out${p.cached_input === undefined ? '' : ` · $${p.cached_input} cached`} per 1M tokens`);

function Targets(props: { model: ModelInfo }) {
  const health = props.model.health;
  const targets = health?.targets ?? [];
  return (
    <div class="table-wrap">
      <table class="stack">
        <caption class="visually-hidden">Targets of {props.model.name}</caption>
        <thead>
          <tr><th scope="col">Provider</th><th scope="col">Upstream model</th><th scope="col">Tier / weight</th><th scope="col">State</th><th scope="col">Breaker</th><th scope="col">Cooling until</th><th scope="col">In flight</th><th scope="col">TTFT (stream / whole)</th><th scope="col">Attempts / failures</th></tr>
        </thead>
        <tbody>
          {targets.map((t, i) => (
            <tr key={i}>
              <td data-label="Provider">{t.provider}</td>
              <td data-label="Upstream model"><code>{t.upstream_model}</code></td>
              <td data-label="Tier / weight">{t.tier} / {t.weight}</td>
              <td data-label="State"><span class={`status ${t.usable ? 'active' : 'revoked'}`}>{t.state}</span>{t.message === undefined ? null : <span class="hint"> {t.message}</span>}</td>
              <td data-label="Breaker">{t.breaker}</td>
              <td data-label="Cooling until">{t.cooldown_until === null ? '—' : `${dateTime(t.cooldown_until)} (${relative(t.cooldown_until)})`}</td>
              <td data-label="In flight">{count(t.in_flight)}</td>
              <td data-label="TTFT">{ms(t.ttft_ms?.stream)} / {ms(t.ttft_ms?.whole)}</td>
              <td data-label="Attempts / failures">{t.counters === undefined ? '—' : `${count(t.counters.attempts)} / ${count(t.counters.failures)}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Each model's pricing and context length; for the operator, its targets and their health, and the config reload. */
export function Models() {
  const session = useSession();
  const operator = session.kind === 'operator';
  const models = useLoad(() => api<ModelsView>('GET', '/models'), []);
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [reloadError, setReloadError] = useState<unknown>(undefined);
  const [reloaded, setReloaded] = useState<string | undefined>(undefined);

  const reload = async () => {
    setBusy(true);
    setReloadError(undefined);
    try {
      const r = await api<{ generation: number; restart_required: string[] }>('POST', '/reload');
      setReloaded(`Config reloaded: generation ${r.generation}.${r.restart_required.length === 0 ? '' : ` These changes need a restart: ${r.restart_required.join(', ')}.`}`);
      setConfirm(false);
      models.reload();
    } catch (error) {
      setReloadError(error);
    } finally {
      setBusy(false);
    }
  };

  const server = models.data?.server;
  return (
    <>
      <div class="toolbar">
        {operator ? <button type="button" onClick={() => { setReloaded(undefined); setConfirm(true); }}>Reload config</button> : null}
        <button type="button" onClick={models.reload}>Refresh</button>
        {server === undefined ? null : (
          <span class="hint">
            {server.ready === true ? 'Ready' : 'Not ready'} · config generation {server.config?.generation ?? '?'} since {dateTime(server.config?.since)} · {count(server.in_flight ?? 0)} in flight
          </span>
        )}
      </div>
      {reloaded === undefined ? null : <p class="notice" role="status">{reloaded}</p>}
      <ErrorNote error={models.error} retry={models.reload} />
      {models.data === undefined ? (models.loading ? <Loading what="models" /> : null) : models.data.data.length === 0 ? (
        <Empty><p>No models are configured{operator ? ': add some under models: in the config file, then Reload config.' : '.'}</p></Empty>
      ) : (
        <div class="models">
          {models.data.data.map((m) => (
            <section key={m.name} class="card model" aria-labelledby={`model-${m.name}`}>
              <h2 id={`model-${m.name}`}>
                {m.name}
                {m.health === undefined ? null : <span class={`status ${m.health.usable === false ? 'revoked' : 'active'}`}>{m.health.usable === false ? 'not usable' : 'usable'}</span>}
              </h2>
              <dl class="facts">
                <div><dt>Pricing</dt><dd>{price(m.pricing)}</dd></div>
                <div><dt>Context</dt><dd>{m.context_length === null ? 'not set' : `${count(m.context_length)} tokens`}</dd></div>
                <div><dt>Max output</dt><dd>{m.max_output_tokens === null ? 'not set' : `${count(m.max_output_tokens)} tokens`}</dd></div>
                {m.health?.strategy === undefined ? null : <div><dt>Strategy</dt><dd>{m.health.strategy}{(m.health.fallbacks ?? []).length === 0 ? '' : `; falls back to ${m.health.fallbacks!.join(', ')}`}</dd></div>}
              </dl>
              {m.health === undefined ? null : <Targets model={m} />}
            </section>
          ))}
        </div>
      )}
      {confirm ? (
        <Confirm title="Reload the config?" action="Reload" busy={busy} onConfirm={reload} onClose={() => setConfirm(false)}>
          <p>Lingua reads its config file again. Requests in flight finish on the old config; an invalid file is refused and the current config keeps serving.</p>
          <ErrorNote error={reloadError} />
        </Confirm>
      ) : null}
    </>
  );
}
