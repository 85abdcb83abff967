import type { Caller } from '../auth/caller.js';
import type { Sealer } from '../lib/sealer.js';
import type { CallerState } from '../protocols/contract.js';
import type { ResponsesRepo } from '../storage/responses.js';

/** Where protocols keep state between requests: the database's stored responses, and the server's sealing key. */
export interface StateStore {
  responses: ResponsesRepo;
  sealer: Sealer;
}

/**
 * The state a protocol may use for one caller: reads, writes and deletes
 * scoped to the caller's account ('' on a server without keys), and seals
 * bound to it, so one account can neither read nor replay another's.
 */
export function callerState(store: StateStore, caller: Caller): CallerState {
  const account = caller.accountId ?? '';
  const { responses, sealer } = store;
  return {
    get: (id) => responses.get(account, id),
    put: (r) => responses.put({ ...r, accountId: account, keyId: caller.keyId ?? null }),
    delete: (id) => responses.delete(account, id),
    seal: (plaintext) => sealer.seal(plaintext, account),
    open: (token) => sealer.open(token, account),
  };
}
