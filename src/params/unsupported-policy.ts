import { z } from 'zod';
import { invalidRequest } from '../canonical/index.js';

/**
 * What a backend does with a parameter it lacks or a value outside its
 * range (docs/model-params.md, "Parameters a backend lacks"): `adapt`
 * drops or clamps it and says so; `strict` refuses the request.
 */
export const unsupportedParamsSchema = z.enum(['adapt', 'strict']);
export type UnsupportedParamsMode = z.infer<typeof unsupportedParamsSchema>;

/** The response header listing what was adapted (absent when nothing was). */
export const adaptedHeader = 'x-lingua-adapted';

/**
 * The changes one attempt's provider mapping made to a request so that its
 * backend takes it, under the model's policy. Made per attempt by the
 * router, read by the pipeline before the response starts (the header) and
 * at the end (the log line). Under `strict` every change is a 400 instead.
 */
export class ParamAdaptations {
  readonly #notes: string[] = [];

  constructor(readonly mode: UnsupportedParamsMode) {}

  /** A parameter the backend has no equivalent for: left out of the upstream body (`adapt`), or a 400 naming it. */
  drop(param: string, backend: string): void {
    if (this.mode === 'strict') {
      throw invalidRequest(`Unsupported parameter: '${param}' is not supported by this model's backend (${backend}).`, param, 'unsupported_parameter');
    }
    this.#note(`${param} dropped`);
  }

  /** `value` brought into the backend's range (`adapt`), or a 400 naming the parameter and the range. */
  clamp(param: string, value: number, range: { min: number; max: number }, backend: string): number {
    const clamped = Math.min(range.max, Math.max(range.min, value));
    if (clamped === value) return value;
    if (this.mode === 'strict') {
      const side = value > range.max ? `greater than the maximum of ${range.max}` : `less than the minimum of ${range.min}`;
      throw invalidRequest(`Invalid '${param}': ${value} is ${side} on this model (${backend} range ${range.min} to ${range.max}).`, param, 'invalid_request_error');
    }
    // ASCII: a header value may not carry '→'.
    this.#note(`${param} ${value}->${clamped}`);
    return clamped;
  }

  /** The changes, in the order they were made. */
  get notes(): readonly string[] {
    return this.#notes;
  }

  /** The header's value, `seed dropped; temperature 2->1`; undefined when nothing was adapted. */
  summary(): string | undefined {
    return this.#notes.length === 0 ? undefined : this.#notes.join('; ');
  }

  /** Calls of one attempt (n calls fanned out) make the same changes: each is told once. */
  #note(note: string): void {
    if (!this.#notes.includes(note)) this.#notes.push(note);
  }
}

/** `headers` with the adapted header added when the attempt that served changed something. */
export function withAdaptedHeader<H extends Record<string, string | number>>(headers: H, adapted: ParamAdaptations | undefined): H {
  const summary = adapted?.summary();
  return summary === undefined ? headers : { ...headers, [adaptedHeader]: summary };
}
