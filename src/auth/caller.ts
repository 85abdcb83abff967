import { ModelScope } from './model-scope.js';

/** Who is calling: what the pipeline knows of a request's key once it is verified. */
export interface Caller {
  /**
   * The key's stable public id (shown in records and logs, never secret):
   * a database key's id, `cfg:<name>` for a key from the config file, or
   * undefined when the server needs no key (loopback, none configured).
   */
  keyId: string | undefined;
  /** The key's name (`anonymous` without a key). */
  keyName: string;
  /** The account the key belongs to; a config key is an implicit account of its own. */
  accountId: string | undefined;
  /** Which public models the key may use. */
  models: ModelScope;
}

export const anonymousCaller: Caller = Object.freeze({ keyId: undefined, keyName: 'anonymous', accountId: undefined, models: ModelScope.all });
