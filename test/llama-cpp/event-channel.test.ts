import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { EventChannel } from '../../src/providers/llama-cpp/event-channel.js';

async function collect<T>(channel: EventChannel<T>): Promise<T[][]> {
  const batches: T[][] = [];
  for await (const batch of channel.batches()) batches.push(batch);
  return batches;
}

describe('llama-cpp event channel', () => {
  test('events pushed while the consumer is busy or before its wake-up come as one batch, in order', async () => {
    const channel = new EventChannel<number>();
    channel.push(1);
    channel.push(2);
    const batches = collect(channel);
    await turn();
    channel.push(3); // wakes the waiting consumer two turns later ...
    channel.push(4); // ... with this one in the same batch
    await turn();
    await turn();
    await turn();
    channel.push(5);
    channel.end();
    assert.deepEqual(await batches, [[1, 2], [3, 4], [5]]);
  });

  test('a push to a waiting consumer is delivered without an end', async () => {
    const channel = new EventChannel<string>();
    const iterator = channel.batches()[Symbol.asyncIterator]();
    const next = iterator.next();
    await turn();
    channel.push('a');
    assert.deepEqual(await next, { done: false, value: ['a'] });
    channel.end();
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  });

  test('fail delivers the events pushed before it, then throws its error', async () => {
    const channel = new EventChannel<number>();
    const batches: number[][] = [];
    const consumed = (async () => {
      for await (const batch of channel.batches()) batches.push(batch);
    })();
    await turn();
    channel.push(1);
    channel.fail(new Error('engine failed'));
    await assert.rejects(consumed, /engine failed/);
    assert.deepEqual(batches, [[1]]);
  });
});
