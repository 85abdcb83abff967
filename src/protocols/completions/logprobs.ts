import type { PassThroughLogprobs } from '../../canonical/index.js';

type Json = Record<string, unknown>;

/** The arrays of OpenAI's legacy `logprobs` object, one entry per token. */
const PER_TOKEN = ['tokens', 'token_logprobs', 'top_logprobs', 'text_offset'] as const;

/** One fragment's value, if it is in this protocol's format (another backend's logprobs are not ours to show). */
export function logprobsValue(part: PassThroughLogprobs | undefined): unknown {
  return part?.format === 'openai-completions' ? part.value : null;
}

/**
 * A choice's `logprobs` from the fragments its text came in: `null` when
 * there are none, a single fragment as it came, several (a streamed answer
 * folded) joined array by array, as one upstream answer would have held them.
 */
export function joinLogprobs(parts: readonly PassThroughLogprobs[] | undefined): unknown {
  const values = (parts ?? []).map(logprobsValue).filter((v): v is Json => typeof v === 'object' && v !== null);
  if (values.length <= 1) return values[0] ?? null;
  const joined: Json = {};
  for (const key of PER_TOKEN) joined[key] = values.flatMap((v) => (Array.isArray(v[key]) ? v[key] as unknown[] : []));
  return joined;
}
