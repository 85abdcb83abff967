import type { ProviderFactory } from './provider.js';
import { openAIProviderFactory } from './openai/provider.js';

/** Every provider type Lingua knows, by its config `type`. Add a provider here. */
export const providerFactories: readonly ProviderFactory[] = [openAIProviderFactory] as unknown as ProviderFactory[];
