import type { AssistantMessage, ReasoningPart, ToolCallPart } from '../canonical/index.js';

/**
 * Rebuilds the assistant message a model produced from its events, in order,
 * to send it back on the next round: text, reasoning with its signature (or
 * redacted) as the backend needs it returned, and tool calls.
 */
export class AssistantTurn {
  readonly #content: AssistantMessage['content'] = [];
  #reasoning: ReasoningPart | undefined;

  text(text: string): void {
    this.#reasoning = undefined;
    const last = this.#content.at(-1);
    if (last?.type === 'text') last.text += text;
    else this.#content.push({ type: 'text', text });
  }

  reasoning(text: string): void {
    if (this.#reasoning === undefined) {
      this.#reasoning = { type: 'reasoning', text: '' };
      this.#content.push(this.#reasoning);
    }
    this.#reasoning.text += text;
  }

  /** A signature closes the reasoning block it signs. */
  signature(signature: string): void {
    if (this.#reasoning === undefined) this.#content.push({ type: 'reasoning', text: '', signature });
    else this.#reasoning.signature = signature;
    this.#reasoning = undefined;
  }

  redacted(data: string): void {
    this.#reasoning = undefined;
    this.#content.push({ type: 'reasoning', text: '', redacted: data });
  }

  toolCall(call: ToolCallPart): void {
    this.#reasoning = undefined;
    this.#content.push(call);
  }

  message(): AssistantMessage {
    return { role: 'assistant', content: [...this.#content] };
  }
}
