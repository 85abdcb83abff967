import type { z } from 'zod';
import { LinguaError } from '../../canonical/index.js';
import { deepestIssue } from '../../lib/validation-error.js';

/** `['messages', 0, 'content']` → `messages.0.content`: how Anthropic names a field. */
export function anthropicPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** A 400 in Anthropic's words: `<field>: <problem>`. */
export function anthropicInvalid(path: readonly PropertyKey[] | string, problem: string): LinguaError {
  const param = typeof path === 'string' ? path : anthropicPath(path);
  return new LinguaError('invalid_request', param === '' ? problem : `${param}: ${problem}`, { param: param || undefined });
}

/**
 * The first problem zod found, worded as the Anthropic API words it
 * (`max_tokens: Field required`, `temperature: Input should be less than
 * or equal to 1`); in a string-or-blocks field, the problem of the form
 * that got furthest (`messages.0.content.2.text: Input should be a valid
 * string`).
 */
export function anthropicValidationError(error: z.ZodError): LinguaError {
  const first = error.issues[0];
  if (first === undefined) return new LinguaError('invalid_request', 'Invalid request body.');
  const issue = deepestIssue(first);
  return anthropicInvalid(issue.path, describe(issue));
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'Field required';
      return `Input should be ${issue.expected.split(' or ').map(expected).join(' or ')}`;
    case 'too_big':
      if (issue.origin === 'array') return `List should have at most ${issue.maximum} items`;
      if (issue.origin === 'string') return `String should have at most ${issue.maximum} characters`;
      return `Input should be less than or equal to ${issue.maximum}`;
    case 'too_small':
      if (issue.origin === 'array') return `List should have at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return `String should have at least ${issue.minimum} character${issue.minimum === 1 ? '' : 's'}`;
      return `Input should be greater than or equal to ${issue.minimum}`;
    case 'invalid_value':
      return `Input should be ${alternatives(issue.values.map((v) => `'${String(v)}'`))}`;
    case 'invalid_union':
      if ((issue as { note?: string }).note === 'No matching discriminator') {
        const { options = [], discriminator = 'type' } = issue as { options?: unknown[]; discriminator?: string };
        const tag = (issue.input as Record<string, unknown> | undefined)?.[discriminator];
        return `Input tag '${String(tag)}' found using '${discriminator}' does not match any of the expected tags: ${options.map((o) => `'${String(o)}'`).join(', ')}`;
      }
      return 'Input does not match any of the accepted forms';
    case 'invalid_format':
      return issue.message;
    default:
      return issue.message;
  }
}

function expected(type: string): string {
  switch (type) {
    case 'string': return 'a valid string';
    case 'number': return 'a valid number';
    case 'int': return 'a valid integer';
    case 'boolean': return 'a valid boolean';
    case 'array': return 'a valid list';
    case 'object': case 'record': return 'a valid dictionary';
    default: return `a valid ${type}`;
  }
}

function alternatives(values: string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}
