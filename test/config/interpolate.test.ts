import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfigFile, parseConfig } from '../../src/config/load.js';

const base = {
  providers: [{ name: 'up', type: 'openai', base_url: 'http://127.0.0.1:9/v1' }],
  models: [{ name: 'm', provider: 'up' }],
};

test('a YAML file: ${VAR} in numeric and boolean fields gives numbers and booleans, the default when unset', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lingua-config-'));
  try {
    const file = join(dir, 'lingua.yaml');
    await writeFile(file, [
      'server:',
      '  port: ${PORT:-8080}',
      '  body_limit_mb: ${BODY_MB}',
      '  usage_ledger: ${LEDGER:-true}',
      'providers:',
      '  - name: up',
      '    type: openai',
      '    base_url: http://127.0.0.1:9/v1',
      '    max_connections: ${UPSTREAM_CONNECTIONS}',
      '    native_search: ${NATIVE_SEARCH}',
      'models:',
      '  - name: m',
      '    provider: up',
      '',
    ].join('\n'));
    const unset = await loadConfigFile(file, { BODY_MB: '2.5', UPSTREAM_CONNECTIONS: '16', NATIVE_SEARCH: 'false' });
    assert.equal(unset.server.port, 8080);
    assert.equal(unset.server.body_limit_mb, 2.5);
    assert.equal(unset.server.usage_ledger, true);
    const provider = unset.providers[0] as { max_connections: number; native_search: boolean };
    assert.equal(provider.max_connections, 16);
    assert.equal(provider.native_search, false);

    const set = await loadConfigFile(file, { PORT: '9191', BODY_MB: '1', LEDGER: 'false', UPSTREAM_CONNECTIONS: '4', NATIVE_SEARCH: 'true' });
    assert.equal(set.server.port, 9191);
    assert.equal(set.server.usage_ledger, false);
    assert.equal((set.providers[0] as { native_search: boolean }).native_search, true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a string field keeps an interpolated value as a string, digits or not', () => {
  const c = parseConfig({ ...base, keys: [{ name: '${NAME}', key: '${KEY}' }] }, { NAME: '42', KEY: '1234567890' });
  assert.equal(c.keys[0]!.name, '42');
  assert.equal(c.keys[0]!.key, '1234567890');
});

test('a value that is not a number where one is taken is refused naming the field', () => {
  for (const value of ['eighty', '80 80', '0x1F', 'true']) {
    assert.throws(() => parseConfig({ ...base, server: { port: '${PORT}' } }, { PORT: value }),
      (e: Error) => e instanceof ConfigError && /server\.port: .*expected number/.test(e.message), value);
  }
  assert.throws(() => parseConfig({ ...base, server: { usage_ledger: '${LEDGER}' } }, { LEDGER: 'yes' }),
    (e: Error) => e instanceof ConfigError && /server\.usage_ledger: .*expected boolean/.test(e.message));
});

test('a number written as a plain string (no ${...}) is still refused: only interpolation converts', () => {
  assert.throws(() => parseConfig({ ...base, server: { port: '8080' } }, {}), (e: Error) => e instanceof ConfigError && /server\.port/.test(e.message));
});
