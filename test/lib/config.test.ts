import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig } from '../../src/config/load.js';

const base = {
  providers: [{ name: 'up', type: 'openai', base_url: 'http://127.0.0.1:9/v1' }],
  models: [{ name: 'm', provider: 'up' }],
};

test('defaults: 127.0.0.1:8080, 20 MiB bodies, 15 s heartbeats, 90 s upstream timeout', () => {
  const c = parseConfig(base);
  assert.equal(c.server.host, '127.0.0.1');
  assert.equal(c.server.port, 8080);
  assert.equal(c.server.body_limit_mb, 20);
  assert.equal(c.server.heartbeat_s, 15);
  assert.equal((c.providers[0] as { timeout_s: number }).timeout_s, 90);
});

test('${VAR} and ${VAR:-default} are interpolated in any string', () => {
  const c = parseConfig({ ...base, keys: [{ name: 'k', key: '${K}' }], providers: [{ ...base.providers[0], api_key: 'Bearer-${MISSING:-fallback}' }] }, { K: 'secret-key-1' });
  assert.equal(c.keys[0]!.key, 'secret-key-1');
  assert.equal((c.providers[0] as { api_key: string }).api_key, 'Bearer-fallback');
});

test('errors name the field', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ ...base, server: { port: 70000 } }, /server\.port/],
    [{ ...base, server: { prot: 1 } }, /server: .*prot/i],
    [{ ...base, providers: [{ name: 'up', type: 'carrier-pigeon' }] }, /providers\[0\]\.type/],
    [{ ...base, providers: [{ name: 'up', type: 'openai', base_url: 'not a url' }] }, /providers\[0\]\.base_url/],
    [{ ...base, keys: [{ name: 'k', key: 'short' }] }, /keys\[0\]\.key: must be at least 8 characters/],
    [{ ...base, providers: [...base.providers, ...base.providers] }, /providers\[1\]\.name: duplicate provider name 'up'/],
  ];
  for (const [raw, pattern] of cases) {
    assert.throws(() => parseConfig(raw, {}), (e: Error) => e instanceof ConfigError && pattern.test(e.message), String(pattern));
  }
});
