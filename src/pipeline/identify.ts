import type { Caller } from '../auth/caller.js';
import type { KeyOutcome } from '../auth/key-store.js';
import { LinguaError } from '../canonical/index.js';
import type { PipelineContext } from './context.js';
import type { Exchange } from './exchange.js';

/**
 * Stage 1: who is calling, from the key in the protocol's header. A key
 * that is missing, unknown, revoked or expired is a 401 saying which; an
 * address that keeps failing is refused for a while (429).
 */
export function identify(ctx: PipelineContext, ex: Exchange): Caller | Promise<Caller> {
  const address = ex.req.socket.remoteAddress;
  ctx.authThrottle.check(address);
  const outcome = ctx.keys.verify(ex.endpoint.protocol.apiKey(ex.req.headers));
  return outcome instanceof Promise ? outcome.then((o) => callerOf(ctx, ex, o, address)) : callerOf(ctx, ex, outcome, address);
}

function callerOf(ctx: PipelineContext, ex: Exchange, outcome: KeyOutcome, address: string | undefined): Caller {
  if (outcome.kind === 'valid') return outcome.caller;
  ctx.authThrottle.fail(address);
  // A known key refused (revoked, expired): its record and log line still say whose it was.
  if ('caller' in outcome) ex.caller = outcome.caller;
  throw refusal(outcome);
}

function refusal(outcome: Exclude<KeyOutcome, { kind: 'valid' }>): LinguaError {
  switch (outcome.kind) {
    case 'missing':
      return new LinguaError('authentication', 'No API key provided. Send it as an `Authorization: Bearer <key>` header.', { code: 'missing_api_key' });
    case 'unknown':
      return new LinguaError('authentication', 'Incorrect API key provided.', { code: 'invalid_api_key' });
    case 'revoked':
      return new LinguaError('authentication', `This API key was revoked on ${new Date(outcome.at).toISOString()}.`, { code: 'revoked_api_key' });
    case 'expired':
      return new LinguaError('authentication', `This API key expired on ${new Date(outcome.at).toISOString()}.`, { code: 'expired_api_key' });
    case 'account_disabled':
      return new LinguaError('authentication', "This API key's account is disabled.", { code: 'account_disabled' });
  }
}
