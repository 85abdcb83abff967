import OpenAI from 'openai';
import { FakeOpenAI } from './fake-openai.js';
import { startLingua, type TestServer } from './lingua.js';

export interface OpenAIFixture {
  upstream: FakeOpenAI;
  server: TestServer;
  client: OpenAI;
  close(): Promise<void>;
}

export const API_KEY = 'sk-test-0123456789';

/**
 * A Lingua server with one key, in front of a fake OpenAI upstream serving
 * model `m1` (upstream id `up-model`), and an `openai` client pointed at it.
 */
export async function openAIFixture(overrides: { server?: Record<string, unknown>; provider?: Record<string, unknown> } = {}): Promise<OpenAIFixture> {
  const upstream = new FakeOpenAI();
  const baseUrl = await upstream.start();
  const server = await startLingua({
    server: overrides.server ?? {},
    keys: [{ name: 'test', key: API_KEY }],
    providers: [{ name: 'up', type: 'openai', base_url: baseUrl, api_key: 'upstream-secret-key', ...overrides.provider }],
    models: [{ name: 'm1', provider: 'up', model: 'up-model' }],
  });
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
  return {
    upstream,
    server,
    client,
    close: async () => {
      await server.close();
      await upstream.close();
    },
  };
}

/** POSTs raw JSON to Lingua and returns status, headers and body text. */
export async function postRaw(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The `data:` payloads of an SSE body, in order. */
export function sseData(text: string): string[] {
  return text.split('\n\n').filter((f) => f.startsWith('data: ')).map((f) => f.slice(6));
}
