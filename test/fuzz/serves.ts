import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { checkAnswer, fuzzEndpoints } from './check-answer.js';
import { anthropicBodies, openAIBodies } from './corpus.js';
import { jsonText } from './json-text.js';
import { sendRaw } from './send-raw.js';

export const FUZZ_KEY = 'sk-fuzz-0123456789';

/** Asserts that every fuzzed endpoint answers a valid request for `model` with a 200, streaming and not. */
export async function assertServesEveryEndpoint(url: string, model: string): Promise<void> {
  const agent = new Agent({ keepAlive: false });
  const origin = new URL(url);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${FUZZ_KEY}` };
  try {
    for (const endpoint of fuzzEndpoints) {
      const bodies = endpoint.answers === 'model' ? [undefined]
        : endpoint.shape === 'anthropic' ? anthropicBodies(model).slice(0, 2) : openAIBodies(model).slice(0, 2);
      for (const body of bodies) {
        const answer = await sendRaw(agent, origin, {
          method: endpoint.method,
          path: endpoint.answers === 'model' ? `${endpoint.path}${model}` : endpoint.path,
          headers,
          body: Buffer.from(body === undefined ? '' : jsonText(body)),
          chunked: false,
        }, 30_000);
        assert.equal(answer.status, 200, `${endpoint.path} ${model}: ${answer.body.toString().slice(0, 300)}`);
        checkAnswer(endpoint, answer, [model]);
      }
    }
  } finally {
    agent.destroy();
  }
}
