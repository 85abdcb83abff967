import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua } from '../support/lingua.js';
import { API_KEY } from '../support/openai-fixture.js';

export interface TwoBackends {
  /** Serves model `oa` (upstream id `up-oa`). */
  openaiUpstream: FakeOpenAI;
  /** Serves model `an` (upstream id `up-an`). */
  anthropicUpstream: FakeAnthropic;
  openai: OpenAI;
  anthropic: Anthropic;
  url: string;
  close(): Promise<void>;
}

/** One Lingua in front of a fake OpenAI-compatible upstream (`oa`) and a fake Anthropic one (`an`), with both SDKs pointed at it. */
export async function twoBackends(): Promise<TwoBackends> {
  const openaiUpstream = new FakeOpenAI();
  const anthropicUpstream = new FakeAnthropic();
  const [oaUrl, anUrl] = await Promise.all([openaiUpstream.start(), anthropicUpstream.start()]);
  const server = await startLingua({
    keys: [{ name: 'test', key: API_KEY }],
    providers: [
      { name: 'oa', type: 'openai', base_url: oaUrl, api_key: 'oa-key' },
      { name: 'an', type: 'anthropic', base_url: anUrl, api_key: 'an-key' },
    ],
    models: [{ name: 'oa', provider: 'oa', model: 'up-oa' }, { name: 'an', provider: 'an', model: 'up-an' }],
  });
  return {
    openaiUpstream,
    anthropicUpstream,
    openai: new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0 }),
    anthropic: new Anthropic({ baseURL: server.url, apiKey: API_KEY, maxRetries: 0 }),
    url: server.url,
    close: async () => {
      await server.close();
      await Promise.all([openaiUpstream.close(), anthropicUpstream.close()]);
    },
  };
}
