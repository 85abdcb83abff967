import { LinguaError } from './errors.js';
import type { ChatRequest, Message } from './request.js';

/** A field's path in a body: keys and array indices. */
export type FieldPath = ReadonlyArray<string | number>;

/** Where one canonical message stood in the client's body, and each of its parts. */
export interface MessageOrigin {
  path: FieldPath;
  parts: readonly FieldPath[];
}

/**
 * Where each canonical message and part came from in the client's body,
 * set by the decoder: a backend names the canonical field
 * (`messages[3].content[0]`), and the client's protocol renders it as the
 * client wrote it. The indices differ: Anthropic's `system` becomes
 * message 0, a user turn with tool results becomes several messages, an
 * OpenAI assistant's reasoning and tool calls become parts.
 */
export interface ClientPaths {
  /** The canonical messages these origins describe: a stage that rewrites the prompt builds new ones, and then only `messages` is named. */
  messages: readonly Message[];
  origins: readonly MessageOrigin[];
}

/** `messages[3].content[0].rest…` (how backends name canonical fields). */
const canonicalPath = /^messages\[(\d+)\](?:\.content\[(\d+)\])?((?:\.[A-Za-z_][\w]*|\[\d+\])*)$/;

/**
 * A canonical field path as the client's body names it, or undefined when
 * it is not inside `messages` (top-level fields keep their names).
 */
export function clientPath(paths: ClientPaths | undefined, messages: readonly Message[], param: string): FieldPath | undefined {
  const m = canonicalPath.exec(param);
  if (m === null || paths === undefined) return undefined;
  if (paths.messages !== messages) return ['messages'];
  const origin = paths.origins[Number(m[1])];
  if (origin === undefined) return ['messages'];
  if (m[2] === undefined) return [...origin.path, ...segments(m[3]!)];
  const part = origin.parts[Number(m[2])];
  return part === undefined ? origin.path : [...part, ...segments(m[3]!)];
}

function segments(rest: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const s of rest.matchAll(/\.([A-Za-z_]\w*)|\[(\d+)\]/g)) out.push(s[1] ?? Number(s[2]));
  return out;
}

/** `messages[i].content[j]`: how a backend names a canonical part (the form `clientPath` reads). */
export function partPath(i: number, j: number, ...rest: Array<string | number>): string {
  let out = `messages[${i}].content[${j}]`;
  for (const s of rest) out += typeof s === 'number' ? `[${s}]` : `.${s}`;
  return out;
}

/**
 * `error` with its field named as the client's body names it (`format`
 * writes a path in the client's protocol: `messages[2].content[0]`,
 * `messages.2.content.0`), in `param` and wherever the message names it;
 * the error itself when its field is not inside `messages` or the request
 * has no origins.
 */
export function inClientTerms(error: LinguaError, request: Pick<ChatRequest, 'clientPaths' | 'messages'> | undefined, format: (path: FieldPath) => string): LinguaError {
  if (error.param === undefined || request === undefined) return error;
  const path = clientPath(request.clientPaths, request.messages, error.param);
  if (path === undefined) return error;
  const param = format(path);
  if (param === error.param) return error;
  return new LinguaError(error.kind, error.message.replaceAll(error.param, param), {
    param, status: error.status,
    ...(error.code === undefined ? {} : { code: error.code }),
    ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
    ...(error.upstreamStatus === undefined ? {} : { upstreamStatus: error.upstreamStatus }),
    cause: error,
  });
}
