import type { z } from 'zod';
import { LinguaError } from '../canonical/index.js';
import { formatPath } from './format-path.js';

/**
 * The first problem zod found, as a 400 that names the field in OpenAI's
 * words ("Missing required parameter: 'model'.", "Invalid 'temperature': …").
 */
export function validationError(error: z.ZodError): LinguaError {
  const first = error.issues[0];
  if (first === undefined) return new LinguaError('invalid_request', 'Invalid request body.');
  const issue = deepestIssue(first);
  const param = formatPath(issue.path);
  return new LinguaError('invalid_request', describeIssue(issue, param), { param: param || undefined, code: 'invalid_request_error' });
}

/**
 * For a value that matched no branch of a union (`string | parts[]`), the
 * issue of the branch that got furthest: it names the field actually wrong.
 * A value of the wrong type for every branch gets one `invalid_type` issue
 * whose `expected` names them all (`string or array`).
 */
export function deepestIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  // Deeper is better; at equal depth, a branch of the right type beats a type mismatch.
  const score = (i: z.core.$ZodIssue) => i.path.length * 2 + (i.code === 'invalid_type' ? 0 : 1);
  let best: z.core.$ZodIssue | undefined;
  for (const branch of issue.errors) {
    const candidate = branch[0];
    if (candidate !== undefined && (best === undefined || score(candidate) > score(best))) best = candidate;
  }
  if (best === undefined) return issue;
  if (score(best) === 0) {
    // Wrong type for every branch: say which types would do.
    const expected = issue.errors.map((b) => (b[0] as { expected?: string } | undefined)?.expected).filter((e) => e !== undefined);
    return { ...best, path: issue.path, expected: [...new Set(expected)].join(' or ') } as z.core.$ZodIssue;
  }
  return deepestIssue({ ...best, path: [...issue.path, ...best.path], } as z.core.$ZodIssue);
}

function describeIssue(issue: z.core.$ZodIssue, param: string): string {
  const name = param || 'body';
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `Missing required parameter: '${name}'.`;
      return `Invalid type for '${name}': expected ${article(issue.expected === 'int' ? 'integer' : issue.expected)}, but got ${article(typeName(issue.input))} instead.`;
    case 'too_big':
      if (issue.origin === 'array') return `Invalid '${name}': array too long. Expected an array with maximum length ${issue.maximum}, but got an array with length ${(issue.input as unknown[]).length} instead.`;
      if (issue.origin === 'string') return `Invalid '${name}': string too long. Expected a string with maximum length ${issue.maximum}.`;
      return `Invalid '${name}': ${String(issue.input)} is greater than the maximum of ${issue.maximum}.`;
    case 'too_small':
      if (issue.origin === 'array') return `Invalid '${name}': empty array. Expected an array with minimum length ${issue.minimum}, but got an array with length ${(issue.input as unknown[]).length} instead.`;
      if (issue.origin === 'string') return `Invalid '${name}': string too short. Expected a string with minimum length ${issue.minimum}.`;
      return `Invalid '${name}': ${String(issue.input)} is less than the minimum of ${issue.minimum}.`;
    case 'invalid_value':
      return `Invalid value for '${name}': ${JSON.stringify(issue.input)}. Supported values are: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'invalid_format':
      return `Invalid '${name}': ${issue.message}.`;
    case 'unrecognized_keys':
      return `Unrecognized request argument supplied: ${issue.keys.join(', ')}.`;
    default:
      return `Invalid value for '${name}': ${sentence(issue.message)}.`;
  }
}

/** A zod message as the tail of ours: lower-case start, no final period. */
function sentence(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1).replace(/\.$/, '');
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'decimal';
  return typeof value;
}

function article(type: string): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * zod's parse options for a client's body: issues carry their input (for
 * the message), and the parse stops at the first problem (`abortEarly`,
 * what zod's own `validate()` passes; not in its public `ParseContext`
 * type). Without it a body built to fail everywhere costs one issue per bad
 * element: 200,000 bad content blocks took seconds, and their issues
 * overflowed the stack when zod spread them into the parent's list.
 */
const reporting = { reportInput: true, abortEarly: true } as z.core.ParseContext<z.core.$ZodIssue>;

/**
 * `schema.safeParse(body)` that reports only the first problem, with its
 * input. Options cost zod its compiled fast path (~2x on a valid chat
 * request), so a hot path that can tell a valid body cheaply (the OpenAI
 * path's compiled check) calls this only for a body it rejected.
 */
export function safeParseReporting<S extends z.ZodType>(schema: S, body: unknown): z.ZodSafeParseResult<z.output<S>> {
  return schema.safeParse(body, reporting);
}
