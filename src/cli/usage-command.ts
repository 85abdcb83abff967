import { Command } from 'commander';
import { parseDuration } from '../admin/times.js';
import type { UsageReport } from '../admin/views.js';
import { accountId, runAdmin, withCommonOptions, type CommonOptions } from './admin-command.js';
import { table, usd, when } from './format.js';

interface UsageOptions extends CommonOptions {
  by: string;
  from?: string;
  to?: string;
  key?: string;
  account?: string;
  model?: string;
}

/** A time option: a duration ago (`7d`), or as the API takes it (RFC 3339, a date, Unix seconds). */
function timeParam(value: string): string {
  const ago = parseDuration(value);
  return ago === undefined ? value : new Date(Date.now() - ago).toISOString();
}

function usageText(r: UsageReport): string {
  const time = r.group_by === 'day' ? 'day' : r.group_by === 'hour' ? 'minute' : undefined;
  const head = `Usage by ${r.group_by}, ${when(r.from)} to ${when(r.to)} UTC`;
  if (r.data.length === 0) return `${head}: no requests.`;
  const sum = (f: (row: UsageReport['data'][number]) => number) => r.data.reduce((n, row) => n + f(row), 0);
  const rows = r.data.map((u) => [
    time === undefined ? u.group ?? '(none)' : when(u.group, time), u.requests, u.input_tokens, u.cached_input_tokens, u.output_tokens, u.reasoning_tokens,
    usd(u.cost_usd), u.errors, u.latency_p50_ms, u.latency_p95_ms, u.ttft_p50_ms,
  ]);
  const total = ['total', sum((u) => u.requests), sum((u) => u.input_tokens), sum((u) => u.cached_input_tokens), sum((u) => u.output_tokens), sum((u) => u.reasoning_tokens),
    usd(sum((u) => u.cost_usd)), sum((u) => u.errors), null, null, null];
  const lines = [head, '', table(
    [r.group_by.toUpperCase(), 'REQUESTS', 'INPUT', 'CACHED', 'OUTPUT', 'REASONING', 'COST', 'ERRORS', 'P50 MS', 'P95 MS', 'TTFT P50 MS'],
    r.data.length > 1 ? [...rows, total] : rows,
  )];
  if (r.notice !== null) lines.push('', r.notice);
  return lines.join('\n');
}

/** `lingua usage`: the usage ledger's totals, as `GET /admin/usage` gives them. */
export function usageCommand(): Command {
  return withCommonOptions(new Command('usage').description('requests, tokens, cost, errors and latency from the usage ledger, per key, account, model, day or hour'))
    .option('--by <group>', 'key, account, model, day or hour', 'day')
    .option('--from <time>', 'start: RFC 3339, a date (2026-01-31), Unix seconds, or a duration ago (7d); default 30 days ago')
    .option('--to <time>', 'end (exclusive), the same forms; default now')
    .option('--key <id>', 'only this key')
    .option('--account <account>', 'only this account (id or name)')
    .option('--model <name>', 'only this model')
    .action((o: UsageOptions) => runAdmin(o, async (admin) => {
      const report = await admin.usage({
        group_by: o.by,
        ...(o.from === undefined ? {} : { from: timeParam(o.from) }),
        ...(o.to === undefined ? {} : { to: timeParam(o.to) }),
        ...(o.key === undefined ? {} : { key: o.key }),
        ...(o.account === undefined ? {} : { account: await accountId(admin, o.account) }),
        ...(o.model === undefined ? {} : { model: o.model }),
      });
      return { json: report, text: usageText(report) };
    }));
}
