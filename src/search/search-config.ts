import { z } from 'zod';

/** `search:` in the config: the backend Lingua searches with for `enable_search`. */
export const searchConfigSchema = z.discriminatedUnion('type', [
  z.object({
    /** SearXNG's JSON API: `GET {base_url}/search?q=…&format=json` (enable `json` in its `search.formats`). */
    type: z.literal('searxng'),
    base_url: z.url({ protocol: /^https?$/ }),
    /** Extra headers on every search request (an API gateway's key, say). */
    headers: z.record(z.string(), z.string()).default({}),
    timeout_s: z.number().positive().default(10),
    /** Results given to the model per search. */
    max_results: z.int().min(1).max(50).default(5),
    /** Searches (forced or asked for by the model) per request; then the model must answer. */
    max_searches: z.int().min(1).max(20).default(3),
    /** SearXNG `language`, `categories`, `safesearch` parameters, sent when set. */
    language: z.string().min(1).optional(),
    categories: z.string().min(1).optional(),
    safesearch: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  }).strict(),
]);

export type SearchConfig = z.infer<typeof searchConfigSchema>;
