import { FakeAnthropic } from '../support/fake-anthropic.js';
import { FakeOpenAI } from '../support/fake-openai.js';

/** The models the fuzz routes to each fake upstream. */
export const FAKE_MODELS = ['m-openai', 'm-anthropic'];

export interface FakeBackends {
  openai: FakeOpenAI;
  anthropic: FakeAnthropic;
  /** Providers and models for a Lingua config: `m-openai` on the OpenAI fake, `m-anthropic` on the Anthropic one. */
  config: { providers: Array<Record<string, unknown>>; models: Array<Record<string, unknown>> };
  /** Forgets what the fakes recorded (a run sends them megabytes). */
  forget(): void;
  close(): Promise<void>;
}

/** A fake OpenAI and a fake Anthropic upstream (which counts tokens), both answering every request. */
export async function startFakeBackends(): Promise<FakeBackends> {
  const openai = new FakeOpenAI();
  const anthropic = new FakeAnthropic();
  anthropic.countTokens = 42;
  const [openaiUrl, anthropicUrl] = await Promise.all([openai.start(), anthropic.start()]);
  return {
    openai,
    anthropic,
    config: {
      providers: [
        { name: 'oa', type: 'openai', base_url: openaiUrl, api_key: 'upstream-secret' },
        { name: 'an', type: 'anthropic', base_url: anthropicUrl, api_key: 'anthropic-secret' },
      ],
      models: [{ name: 'm-openai', provider: 'oa', model: 'up-model' }, { name: 'm-anthropic', provider: 'an', model: 'claude-up' }],
    },
    forget: () => {
      openai.requests.length = 0;
      anthropic.requests.length = 0;
    },
    close: async () => { await Promise.all([openai.close(), anthropic.close()]); },
  };
}
