import { invalidRequest, type ChatRequest } from '../canonical/index.js';
import type { ParamRange, ParamRangesConfig } from './param-ranges-schema.js';

/** Each checked field: its wire name (the same in OpenAI and Anthropic bodies) and where the canonical request keeps it. */
const fields: ReadonlyArray<[keyof ParamRangesConfig, (r: ChatRequest) => number | undefined]> = [
  ['temperature', (r) => r.temperature],
  ['top_p', (r) => r.topP],
  ['top_k', (r) => r.topK],
  ['max_tokens', (r) => r.maxTokens],
  ['presence_penalty', (r) => r.presencePenalty],
  ['frequency_penalty', (r) => r.frequencyPenalty],
];

/**
 * Per-model parameter ranges from the config, checked once after decoding.
 * A model served by several deployments takes every range any of them sets
 * (a value must suit whichever deployment serves it).
 */
export class ParamRanges {
  readonly #byModel = new Map<string, ParamRangesConfig[]>();

  constructor(models: ReadonlyArray<{ name: string; params?: ParamRangesConfig | undefined }>) {
    for (const m of models) {
      if (m.params === undefined) continue;
      const list = this.#byModel.get(m.name) ?? [];
      list.push(m.params);
      this.#byModel.set(m.name, list);
    }
  }

  /** Throws a 400 naming the first field out of `model`'s range. */
  check(model: string, request: ChatRequest): void {
    const configs = this.#byModel.get(model);
    if (configs === undefined) return;
    for (const [name, read] of fields) {
      const value = read(request);
      if (value === undefined) continue;
      for (const config of configs) {
        const r = config[name];
        if (r !== undefined) checkRange(name, value, r, model);
      }
    }
  }
}

function checkRange(name: string, value: number, r: ParamRange, model: string): void {
  const fail = (what: string) => invalidRequest(`Invalid '${name}': ${value} ${what} for model '${model}'.`, name, 'invalid_request_error');
  if (r.min !== undefined && value < r.min) throw fail(`is less than the minimum of ${r.min}`);
  if (r.max !== undefined && value > r.max) throw fail(`is greater than the maximum of ${r.max}`);
  if (r.gt !== undefined && value <= r.gt) throw fail(`must be greater than ${r.gt}`);
  if (r.lt !== undefined && value >= r.lt) throw fail(`must be less than ${r.lt}`);
}
