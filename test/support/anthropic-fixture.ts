import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { FakeAnthropic } from './fake-anthropic.js';
import { startLingua, type TestServer } from './lingua.js';
import { API_KEY } from './openai-fixture.js';

export interface AnthropicFixture {
  upstream: FakeAnthropic;
  server: TestServer;
  /** An `openai` client pointed at Lingua. */
  client: OpenAI;
  /** The official `@anthropic-ai/sdk` pointed at Lingua's `/v1/messages`. */
  anthropic: Anthropic;
  close(): Promise<void>;
}

/**
 * A Lingua server with one key in front of a fake Anthropic upstream
 * (provider `anth`) serving model `m1` (upstream id `claude-up`).
 */
export async function anthropicFixture(overrides: { provider?: Record<string, unknown> } = {}): Promise<AnthropicFixture> {
  const upstream = new FakeAnthropic();
  const baseUrl = await upstream.start();
  const server = await startLingua({
    keys: [{ name: 'test', key: API_KEY }],
    providers: [{ name: 'anth', type: 'anthropic', base_url: baseUrl, api_key: 'anthropic-secret-key', ...overrides.provider }],
    models: [{ name: 'm1', provider: 'anth', model: 'claude-up' }],
  });
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
  const anthropic = new Anthropic({ baseURL: server.url, apiKey: API_KEY, maxRetries: 0 });
  return {
    upstream,
    server,
    client,
    anthropic,
    close: async () => {
      await server.close();
      await upstream.close();
    },
  };
}
