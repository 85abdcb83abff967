import { access, mkdir, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Config } from '../../config/schema.js';
import { defaultCacheDir } from './cache-dir.js';
import { writeGguf } from './gguf/gguf-writer.js';
import { scriptedModel } from './gguf/scripted-model.js';
import { llamaCppProviderSchema } from './provider.js';

export const DEMO_MODEL = 'lingua-demo';

/** What the demo model answers to anything (one token per word, so no word twice). */
export const DEMO_ANSWER = 'Hello! This is lingua-demo, the tiny built-in model of Lingua. It can only say this message. '
  + 'To chat with a real model, download any GGUF file and run: lingua serve --model ./model.gguf '
  + '(or add one llama-cpp provider to your config file; see docs/local-engine.md).';

/**
 * Writes the demo model into the cache once (it is generated, never
 * downloaded: ~0.5 MB, a few ms) and returns its path. The file name
 * carries a version so that a changed answer makes a new file.
 */
export async function ensureDemoModel(cacheDir = defaultCacheDir()): Promise<string> {
  const path = join(cacheDir, 'demo', 'lingua-demo-v1.gguf');
  if (await access(path).then(() => true, () => false)) return path;
  await mkdir(join(cacheDir, 'demo'), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  await writeGguf(partial, scriptedModel(DEMO_ANSWER, DEMO_MODEL));
  await rename(partial, path);
  return path;
}

export interface ModelFlags {
  /** `lingua serve --model FILE.gguf` (or an hf: URI). */
  model?: string;
  /** `--model-name`; default: the file name without `.gguf`. */
  modelName?: string;
}

/**
 * Serving without a config: `--model` adds that one model; a config with
 * no providers and no models gets the demo model. Returns a line for the
 * startup output when the demo is served, else undefined.
 */
export async function addLocalModels(config: Config, flags: ModelFlags): Promise<string | undefined> {
  if (flags.model !== undefined) {
    const name = flags.modelName ?? basename(flags.model).replace(/\.gguf$/i, '');
    addModel(config, { name, model: flags.model, ownedBy: 'lingua' });
    return undefined;
  }
  if (config.providers.length > 0 || config.models.length > 0) return undefined;
  addModel(config, { name: DEMO_MODEL, model: await ensureDemoModel(), ownedBy: DEMO_MODEL, contextSize: 2048, parallel: 1 });
  return `No models configured: serving '${DEMO_MODEL}', a tiny built-in DEMO model that only explains how to serve a real one (lingua serve --model FILE.gguf, or see docs/local-engine.md).`;
}

function addModel(config: Config, m: { name: string; model: string; ownedBy: string; contextSize?: number; parallel?: number }): void {
  const provider = llamaCppProviderSchema.parse({
    name: m.name,
    type: 'llama-cpp',
    model: m.model,
    ...(m.contextSize === undefined ? {} : { context_size: m.contextSize }),
    ...(m.parallel === undefined ? {} : { parallel: m.parallel }),
  });
  config.providers.push(provider);
  config.models.push({ name: m.name, provider: m.name, owned_by: m.ownedBy });
}
