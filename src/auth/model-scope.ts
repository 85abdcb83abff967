/**
 * Which public models a key may use: exact names and globs (`*` any run of
 * characters, `?` one character, e.g. `Ling-*`, `org/*`); no patterns at
 * all means every model. Compiled once per key.
 */
export class ModelScope {
  static readonly all = new ModelScope([]);

  readonly #exact: ReadonlySet<string>;
  readonly #globs: readonly RegExp[];

  constructor(readonly patterns: readonly string[]) {
    this.#exact = new Set(patterns.filter((p) => !/[*?]/.test(p)));
    this.#globs = patterns.filter((p) => /[*?]/.test(p)).map(globToRegExp);
  }

  get unrestricted(): boolean {
    return this.patterns.length === 0;
  }

  allows(model: string): boolean {
    return this.patterns.length === 0 || this.#exact.has(model) || this.#globs.some((g) => g.test(model));
  }
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}
