import type { ChatRequest, StreamEvent } from '../../src/canonical/index.js';
import type { Provider, ProviderCall } from '../../src/providers/provider.js';

/** A step of a script: an event to yield, or a promise to wait for first. */
export type ScriptStep = StreamEvent | { wait: Promise<void> } | { throw: unknown };

/**
 * A provider that yields scripted canonical events: for what no fake
 * upstream can say over the OpenAI wire (reasoning signatures, redacted
 * reasoning, a count of its own). Replaces a config provider of the same
 * name when passed to `startLingua` as an extra provider.
 */
export class ScriptedProvider implements Provider {
  readonly name: string;
  script: ScriptStep[] = [];
  readonly calls: ProviderCall[] = [];
  readonly counted: Array<{ request: ChatRequest; model: string }> = [];
  countTokens?: (request: ChatRequest, model: string, signal: AbortSignal) => Promise<number>;

  /**
   * `count`: what `countTokens` answers (a number, an error to throw, or
   * `never`: a count that never ends, its signal ignored); absent, the
   * provider cannot count.
   */
  constructor(name: string, options: { count?: number | Error | 'never' } = {}) {
    this.name = name;
    const count = options.count;
    if (count !== undefined) {
      this.countTokens = async (request, model) => {
        this.counted.push({ request, model });
        if (count instanceof Error) throw count;
        if (count === 'never') return new Promise<number>(() => {});
        return count;
      };
    }
  }

  async *stream(call: ProviderCall): AsyncGenerator<StreamEvent> {
    this.calls.push(call);
    for (const step of this.script) {
      if ('wait' in step) await step.wait;
      else if ('throw' in step) throw step.throw;
      else yield step;
    }
  }

  get last(): ProviderCall {
    const call = this.calls.at(-1);
    if (call === undefined) throw new Error('the scripted provider got no call');
    return call;
  }

  async close(): Promise<void> {}
}
