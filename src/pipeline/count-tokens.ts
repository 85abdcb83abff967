import type { CountTokensEndpoint } from '../protocols/contract.js';
import type { PipelineContext } from './context.js';
import { countInputTokens } from './count-input-tokens.js';
import type { Exchange } from './exchange.js';
import { authorize } from './authorize.js';
import { checkModelKind } from './model-kind.js';
import { sendJson } from './send.js';

/** A `count_tokens` endpoint: the backend's count where it has one, else Lingua's estimate. */
export async function countTokens(ctx: PipelineContext, endpoint: CountTokensEndpoint, ex: Exchange, body: unknown): Promise<void> {
  const request = ex.request = endpoint.decode(body);
  const model = ex.model = authorize(ctx, ex.caller!, request.model);
  checkModelKind(model, false);
  const count = await countInputTokens({ entry: model, request, signal: ex.abort.signal, logger: ex.log, fallback: false });
  ex.usage = { inputTokens: count.inputTokens, outputTokens: 0 };
  sendJson(ex.res, 200, endpoint.encode(count), endpoint.sourceHeader === undefined ? undefined : { [endpoint.sourceHeader]: count.source });
}
