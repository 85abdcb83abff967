import { z } from 'zod';
import { invalidRequest, type ChatRequest } from '../../canonical/index.js';
import { textPrompts } from '../../canonical/text-prompts.js';
import { safeParseReporting, validationError } from '../../lib/validation-error.js';

const text = z.string().max(4_000_000);
const tokens = z.array(z.int().min(0).max(2 ** 31 - 1)).min(1).max(1_000_000);

/** `POST /v1/completions`, OpenAI's legacy shape: every field named, unknown ones refused. */
const schema = z.strictObject({
  model: z.string().min(1).max(256),
  prompt: z.union([text, z.array(text).min(1).max(128), tokens, z.array(tokens).min(1).max(128)]),
  suffix: text.nullish(),
  max_tokens: z.int().min(0).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: z.int().min(1).max(128).nullish(),
  best_of: z.int().min(1).max(128).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.strictObject({ include_usage: z.boolean().optional() }).nullish(),
  logprobs: z.int().min(0).max(5).nullish(),
  echo: z.boolean().nullish(),
  seed: z.int().nullish(),
  user: z.string().max(256).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
});

export type CompletionBody = z.infer<typeof schema>;

/** The request as the canonical one, `textCompletion` set; `echo` is the protocol's (encode prepends the prompt). */
export function decodeCompletion(body: unknown): ChatRequest {
  // With each issue's input: the messages quote it (an empty prompt array's length…).
  const parsed = safeParseReporting(schema, body);
  if (!parsed.success) throw validationError(parsed.error);
  const b = parsed.data;
  // best_of = n is what every request does; more would need the choices ranked by logprobs, server-side.
  if (b.best_of != null && b.best_of !== (b.n ?? 1)) throw invalidRequest("'best_of' other than 'n' is not supported: ask for 'n' choices instead.", 'best_of', 'unsupported_parameter');
  // Echo is Lingua's (the prompt prepended), so the backend's logprobs would not cover the echoed prompt.
  if (b.logprobs != null && b.echo === true) throw invalidRequest("'echo' together with 'logprobs' is not supported: the prompt's log probabilities are not returned.", 'echo', 'unsupported_parameter');
  const prompts = textPrompts({ prompt: b.prompt });
  // Lingua adds the echo as text; token ids it cannot turn back into text.
  if (b.echo === true && prompts.some((p) => typeof p !== 'string')) throw invalidRequest("'echo' needs a text prompt: token ids cannot be echoed.", 'echo', 'unsupported_parameter');
  // For token estimates only: ids as their digits over-count them a little, as the estimate should.
  const prompt = prompts.map((p) => (typeof p === 'string' ? p : p.join(' '))).join('\n');
  const req: ChatRequest = {
    model: b.model,
    messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
    stream: b.stream === true,
    includeUsage: b.stream_options?.include_usage === true,
    n: b.n ?? 1,
    maxTokens: b.max_tokens ?? 16,
    textCompletion: { prompt: b.prompt, ...(b.suffix == null ? {} : { suffix: b.suffix }) },
    extra: Object.create(null) as Record<string, unknown>,
  };
  if (b.temperature != null) req.temperature = b.temperature;
  if (b.top_p != null) req.topP = b.top_p;
  if (b.stop != null) req.stop = typeof b.stop === 'string' ? [b.stop] : b.stop;
  if (b.seed != null) req.seed = b.seed;
  if (b.user != null) req.user = b.user;
  if (b.presence_penalty != null) req.presencePenalty = b.presence_penalty;
  if (b.frequency_penalty != null) req.frequencyPenalty = b.frequency_penalty;
  if (b.echo === true) req.textCompletion!.echo = true;
  if (b.logprobs != null) req.textCompletion!.logprobs = b.logprobs;
  return req;
}
