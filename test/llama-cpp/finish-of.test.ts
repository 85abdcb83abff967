import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finishOf } from '../../src/providers/llama-cpp/generate-choice.js';

test('the token limit after a tool call is length (the last call may be cut short), not tool_calls', () => {
  assert.equal(finishOf({ stopReason: 'maxTokens' }, true).reason, 'length');
  assert.equal(finishOf({ stopReason: 'maxTokens' }, false).reason, 'length');
  assert.equal(finishOf({ stopReason: 'eogToken' }, true).reason, 'tool_calls');
  assert.equal(finishOf({ stopReason: 'eogToken' }, false).reason, 'stop');
  assert.deepEqual(finishOf({ stopReason: 'customStopTrigger', customStopTrigger: ['END'] }), { reason: 'stop', raw: 'customStopTrigger', stopSequence: 'END' });
});
