import { invalidRequest, type EmbedRequest, type EmbedResult } from '../canonical/index.js';
import type { EmbedCall } from '../providers/provider.js';
import { retryingCall, type AttemptTrace } from './attempts.js';
import type { Deployment } from './model-entry.js';
import type { RouteRun, RouteServices } from './route-run.js';

/**
 * An embeddings request on its model's targets as a non-streaming chat
 * is routed (`retryingWhole`): the same balancing, retries, fallbacks and
 * breakers, since nothing reaches the client before the whole answer.
 */
export function retryingEmbed(run: RouteRun<EmbedRequest>, s: RouteServices, trace: AttemptTrace | undefined): Promise<EmbedResult> {
  return retryingCall(run, s, trace, (d) => embedOn(d, run, s));
}

function embedOn(d: Deployment, run: RouteRun<EmbedRequest>, s: RouteServices): Promise<EmbedResult> {
  const { provider } = d;
  const { request, abort } = run;
  // Config checks keep embedding models off chat providers (model-entry.ts); a fallback may still name a chat model.
  if (provider.embed === undefined || s.model(d.model)?.embedding !== true) {
    return Promise.reject(invalidRequest(`The model '${d.model}' (provider '${provider.name}') is not an embedding model: check the fallbacks of '${request.model}'.`, 'model', 'model_not_embedding'));
  }
  const call: EmbedCall = { request, model: d.upstreamModel, abort, get signal() { return abort.signal; } };
  return provider.embed(call);
}
