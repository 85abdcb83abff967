import type { EmbedRequest } from '../canonical/index.js';
import { estimateTextTokens } from '../lib/estimate-tokens.js';
import type { EmbedEndpoint } from '../protocols/contract.js';
import { admitTokens, unlimited } from './admit.js';
import { authorize } from './authorize.js';
import type { PipelineContext } from './context.js';
import type { Exchange } from './exchange.js';
import { checkModelKind } from './model-kind.js';
import { sendWhole } from './stream-response.js';

/**
 * An `embed` endpoint (POST /v1/embeddings), the same stages as a generating
 * one: decode (400) → authorize the model (404, 403) and its kind (400 for
 * a chat model) → admit by an input estimate, no output (429) → the router
 * serves it on the model's targets → the answer. `settle` then records it.
 */
export async function embed(ctx: PipelineContext, endpoint: EmbedEndpoint, ex: Exchange, body: unknown): Promise<void> {
  const request = ex.embed = endpoint.decode(body);
  const model = ex.model = authorize(ctx, ex.caller!, request.model);
  checkModelKind(model, true);
  if (!unlimited(ex, model)) await admitTokens(ctx, endpoint.protocol, ex, model, estimateEmbedTokens(request), 0);
  const result = await ctx.router.embed(model, request, ex.abort, ex);
  // A backend that reports no count leaves the usage to settle, which records the estimate as one.
  if (result.inputTokens !== undefined) ex.usage = { inputTokens: result.inputTokens, outputTokens: 0 };
  const inputTokens = result.inputTokens ?? estimateEmbedTokens(request);
  ex.ttftMs = ex.elapsedMs();
  // Thousands of vectors make a large body: a client that does not read it is cut off, as for a whole chat answer.
  const text = JSON.stringify(endpoint.encode({ vectors: result.vectors, inputTokens }, request));
  sendWhole(ex, 200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }, text, ctx.stream.stallMs);
}

/** Lingua's estimate of an embeddings request's input tokens: exact for token arrays, `estimateTextTokens` for texts. */
export function estimateEmbedTokens(request: EmbedRequest): number {
  const { input } = request;
  let tokens = 0;
  if (input.kind === 'tokens') for (const t of input.tokens) tokens += t.length;
  else for (const t of input.texts) tokens += estimateTextTokens(t);
  return tokens;
}
