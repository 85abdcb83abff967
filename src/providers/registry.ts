import type { ProviderFactory } from './provider.js';
import { openAIProviderFactory } from './openai/provider.js';
import { anthropicProviderFactory } from './anthropic/provider.js';
import { llamaCppProviderFactory } from './llama-cpp/provider.js';
import { openAIResponsesProviderFactory } from './openai-responses/provider.js';
import { envelopeProviderFactory } from './envelope/provider.js';

/** Every provider type Lingua knows, by its config `type`. Add a provider here. */
export const providerFactories: readonly ProviderFactory[] = [openAIProviderFactory, openAIResponsesProviderFactory, anthropicProviderFactory, llamaCppProviderFactory, envelopeProviderFactory] as unknown as ProviderFactory[];
