import assert from 'node:assert/strict';
import { test } from 'node:test';
import { didYouMean, editDistance } from '../../src/config/did-you-mean.js';
import { ConfigError, parseConfig } from '../../src/config/load.js';

const base = {
  providers: [{ name: 'up', type: 'openai', base_url: 'http://127.0.0.1:9/v1' }],
  models: [{ name: 'm', provider: 'up' }],
};

/** The message of the ConfigError `raw` is refused with. */
function refusal(raw: unknown): string {
  try {
    parseConfig(raw, {});
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail('the config was accepted');
}

test('edit distance: insertions, deletions, substitutions, one each', () => {
  const cases: Array<[string, string, number]> = [
    ['', '', 0], ['', 'abc', 3], ['abc', '', 3], ['base_url', 'base_url', 0], ['base_ulr', 'base_url', 2],
    ['prot', 'port', 2], ['kitten', 'sitting', 3], ['modles', 'models', 2], ['model', 'models', 1], ['hots', 'host', 2],
  ];
  for (const [a, b, d] of cases) {
    assert.equal(editDistance(a, b), d, `${a} → ${b}`);
    assert.equal(editDistance(b, a), d, `${b} → ${a}`);
  }
});

test('didYouMean takes the nearest key within two edits, case aside, and none farther', () => {
  assert.equal(didYouMean('base_ulr', ['api_key', 'base_url', 'name']), 'base_url');
  assert.equal(didYouMean('BASE_URL', ['base_url']), 'base_url');
  assert.equal(didYouMean('portt', ['host', 'port']), 'port');
  assert.equal(didYouMean('endpoint', ['base_url', 'api_key']), undefined);
  // Two letters are within two edits of any two-letter key: only a closer one counts.
  assert.equal(didYouMean('xy', ['rpm', 'tpm']), undefined);
});

test('a near-miss key in the config gets a "did you mean", at every level of the schema', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ ...base, providers: [{ name: 'up', type: 'openai', base_ulr: 'http://127.0.0.1:9/v1' }] }, /providers\[0\]: unknown key 'base_ulr' \(did you mean 'base_url'\?\)/],
    [{ ...base, providers: [{ name: 'up', type: 'anthropic', base_url: 'http://127.0.0.1:9', api_kye: 'x' }] }, /providers\[0\]: unknown key 'api_kye' \(did you mean 'api_key'\?\)/],
    [{ ...base, server: { prot: 1 } }, /server: unknown key 'prot' \(did you mean 'port'\?\)/],
    [{ ...base, modles: [] }, /\(top level\): unknown key 'modles' \(did you mean 'models'\?\)/],
    [{ ...base, keys: [{ name: 'k', key: 'sk-0123456789', rmp: 5 }] }, /keys\[0\]: unknown key 'rmp' \(did you mean 'rpm'\?\)/],
    [{ ...base, models: [{ name: 'm', provider: 'up', ownd_by: 'me' }] }, /models\[0\]: unknown key 'ownd_by' \(did you mean 'owned_by'\?\)/],
  ];
  for (const [raw, pattern] of cases) assert.match(refusal(raw), pattern);
});

test('an unknown key near no known one is named without a guess', () => {
  const message = refusal({ ...base, server: { listen_everywhere: true } });
  assert.match(message, /server: unknown key 'listen_everywhere'/);
  assert.doesNotMatch(message, /did you mean/);
});
