import { whyNot, type Readiness } from './readiness.js';

/**
 * What `lingua serve` prints once it listens. A model that cannot serve
 * (a local file missing, a download that failed: its provider logged the
 * error) is named loudly, never listed as served.
 */
export function startupBanner(url: string, ready: Readiness, demoNotice: string | undefined, keys: boolean): string {
  const lines = [`Lingua listening on ${url}`];
  const serving = ready.models.filter((m) => m.usable).map((m) => m.model);
  const broken = ready.models.filter((m) => !m.usable);
  if (ready.models.length === 0) lines.push('No models configured: add some under `models` in the config file.');
  else if (serving.length > 0) lines.push(`Serving models: ${serving.join(', ')}`);
  for (const m of broken) lines.push(`NOT READY: model '${m.model}' cannot serve: ${whyNot(m)}`);
  if (broken.length > 0) lines.push(`NOT READY: ${broken.length} of ${ready.models.length} models cannot serve; GET /health/ready answers 503 until they can.`);
  if (demoNotice !== undefined) lines.push(demoNotice);
  if (!keys) lines.push('No API keys configured: any caller on this machine is accepted.');
  return `${lines.join('\n')}\n`;
}
