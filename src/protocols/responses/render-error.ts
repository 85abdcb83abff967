import { inClientTerms, LinguaError, type ChatRequest } from '../../canonical/index.js';
import { formatPath } from '../../lib/format-path.js';
import type { RenderedError } from '../contract.js';
import { renderOpenAIError } from '../openai/render-error.js';

/** Canonical field names, as a Responses body names them. */
const paramNames: Readonly<Record<string, string>> = {
  messages: 'input',
  max_tokens: 'max_output_tokens',
  enable_search: 'tools',
};

/**
 * A canonical or Chat field path (a backend's or a stage's) as a Responses
 * body names it, or undefined when it is one already. A path inside
 * `messages` is first placed by the request's origins (`input[3].content[1]`,
 * renderResponsesError); one they cannot place (a stage rewrote the prompt)
 * becomes the whole `input`, and a Chat tool's path the whole `tools`
 * (namespace tools unfold into several, so an index would point at the
 * wrong one). The schema of `response_format` is `text.format`'s, keyword
 * for keyword.
 */
export function responsesParam(param: string): string | undefined {
  const named = paramNames[param];
  if (named !== undefined) return named;
  const schema = /^response_format\.json_schema\.schema(?=$|[.[])/.exec(param);
  if (schema !== null) return `text.format.schema${param.slice(schema[0].length)}`;
  if (/^response_format(?=$|[.[])/.test(param)) return 'text.format';
  if (/^messages[.[]/.test(param)) return 'input';
  // A part of a stored conversation: the field that brought it in (state.ts), not a place inside it.
  if (/^previous_response_id[.[]/.test(param)) return 'previous_response_id';
  // A Chat tool's path (`tools[0].function…`); the Responses decoder's own `tools[0]…` paths are right as they are.
  if (/^tools\[\d+\]\.function(?=$|[.[])/.test(param)) return 'tools';
  return undefined;
}

/**
 * A LinguaError in OpenAI's shape, `{error: {message, type, param, code}}`,
 * with the fields named as a Responses body names them (the pipeline's
 * stages and the backends name the canonical or the Chat field).
 */
export function renderResponsesError(error: LinguaError, request?: ChatRequest): RenderedError {
  return renderOpenAIError(asResponsesError(inClientTerms(error, request, formatPath)));
}

function asResponsesError(error: LinguaError): LinguaError {
  const param = error.param === undefined ? undefined : responsesParam(error.param);
  if (param === undefined) return error;
  const message = error.code === 'search_unavailable'
    ? "Web search is not available for this model: this server has no search backend configured and the model's backend does not search natively. Remove the 'web_search' tool (Codex CLI: web_search = \"disabled\" in config.toml) or ask the operator to configure one (search: in Lingua's config)."
    : error.message.replaceAll(`'${error.param!}'`, `'${param}'`);
  return new LinguaError(error.kind, message, {
    param, status: error.status,
    ...(error.code === undefined ? {} : { code: error.code }),
    ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
    ...(error.upstreamStatus === undefined ? {} : { upstreamStatus: error.upstreamStatus }),
    cause: error,
  });
}

/**
 * The `error` of a `response.failed`: the code a client acts on (Codex:
 * `context_length_exceeded` compacts, `insufficient_quota` stops,
 * `rate_limit_exceeded` waits for the "try again in N s" of the message,
 * `server_is_overloaded` and `server_error` retry).
 */
export function failureOf(error: LinguaError): { code: string; message: string } {
  const message = asResponsesError(error).message;
  switch (error.code) {
    case 'context_length_exceeded':
    case 'insufficient_quota':
      return { code: error.code, message };
  }
  if (error.kind === 'rate_limit') {
    const wait = error.retryAfter !== undefined && !/try again in/i.test(message) ? ` Please try again in ${Math.max(1, Math.ceil(error.retryAfter))}s.` : '';
    return { code: 'rate_limit_exceeded', message: message + wait };
  }
  if (error.kind === 'overloaded' || error.kind === 'unavailable') return { code: 'server_is_overloaded', message };
  return { code: 'server_error', message };
}
