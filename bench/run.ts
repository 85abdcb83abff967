/**
 * `npm run bench`: runs every dist/bench/*.bench.js in turn, each in its own
 * Node process, passing our arguments through (e.g. `--quick`). Exits
 * non-zero if any of them failed.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const scripts = readdirSync(here).filter((f) => f.endsWith('.bench.js')).sort();
const args = process.argv.slice(2);

if (scripts.length === 0) {
  process.stderr.write(`no *.bench.js in ${here}: build first (npm run bench builds)\n`);
  process.exit(1);
}

const failed: string[] = [];
for (const script of scripts) {
  process.stdout.write(`\n=== ${script} ${args.join(' ')}\n`);
  const run = spawnSync(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...args], { stdio: 'inherit' });
  if (run.status !== 0) failed.push(`${script} (${run.status === null ? `signal ${run.signal}` : `exit ${run.status}`})`);
}

if (failed.length > 0) {
  process.stderr.write(`\nbench failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write(`\nall ${scripts.length} bench script(s) passed\n`);
