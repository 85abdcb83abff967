/**
 * The credentials a provider sends upstream, kept so that nothing the
 * provider relays to a client can carry them: an upstream that echoes the
 * key it was given in an error message ("Incorrect API key provided: sk-…")
 * reaches the client with `[redacted]` in its place.
 */
export class UpstreamSecrets {
  readonly #values: string[];

  /** The values of the headers that carry credentials (and a bearer token's token). */
  constructor(headers: Readonly<Record<string, string>>) {
    const values = new Set<string>();
    for (const [name, raw] of Object.entries(headers)) {
      if (!credentialHeader.test(name)) continue;
      const value = raw.trim();
      values.add(value);
      const scheme = /^(?:bearer|basic|token)\s+(.+)$/i.exec(value);
      if (scheme) values.add(scheme[1]!);
    }
    // Longest first, so that a token inside a longer value is not cut out alone first;
    // short values are left alone: they would blank out ordinary words.
    this.#values = [...values].filter((v) => v.length >= minSecretLength).sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.#values) {
      if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    }
    return out;
  }

  /** `error` with its message redacted (a LinguaError is changed in place and returned). */
  scrub<E>(error: E): E {
    if (error instanceof Error) error.message = this.redact(error.message);
    return error;
  }
}

/** Header names that carry credentials: authorization, x-api-key, api-key, *token*, *secret*, cookie… */
const credentialHeader = /authorization|api[-_]?key|token|secret|password|cookie|^x-.*-key$/i;

const minSecretLength = 5;
