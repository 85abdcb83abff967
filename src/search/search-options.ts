import { invalidRequest } from '../canonical/index.js';

export interface SearchOptions {
  /** `enable_search: true`. */
  enabled: boolean;
  /** `search_options.forced_search: true`: search before generating. */
  forced: boolean;
  /** The request's `extra` without `enable_search` and `search_options`. */
  rest: Record<string, unknown>;
}

/** Reads and checks Ling's `enable_search` / `search_options` (seed 000) from a request's extra fields. */
export function readSearchOptions(extra: Record<string, unknown>): SearchOptions {
  const { enable_search: enable, search_options: options, ...others } = extra;
  // The pass-through bag stays null-prototype, like the one it came from.
  const rest = Object.assign(Object.create(null) as Record<string, unknown>, others);
  if (enable != null && typeof enable !== 'boolean') {
    throw invalidRequest("Invalid type for 'enable_search': expected a boolean.", 'enable_search', 'invalid_request_error');
  }
  let forced = false;
  if (options != null) {
    if (typeof options !== 'object' || Array.isArray(options)) {
      throw invalidRequest("Invalid type for 'search_options': expected an object.", 'search_options', 'invalid_request_error');
    }
    for (const [key, value] of Object.entries(options)) {
      if (key !== 'forced_search') {
        throw invalidRequest(`Unsupported parameter: 'search_options.${key}' (supported: 'forced_search').`, `search_options.${key}`, 'unsupported_parameter');
      }
      if (value != null && typeof value !== 'boolean') {
        throw invalidRequest("Invalid type for 'search_options.forced_search': expected a boolean.", 'search_options.forced_search', 'invalid_request_error');
      }
      forced = value === true;
    }
  }
  return { enabled: enable === true, forced, rest };
}
