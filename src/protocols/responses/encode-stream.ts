import { LinguaError, type Finish, type StreamEvent, type Usage } from '../../canonical/index.js';
import type { StreamEncoder } from '../contract.js';
import { messageItem, newItemId, outputText, reasoningItem, toolCallItem, type ItemStatus } from './output-items.js';
import { failureOf } from './render-error.js';
import { responseObject, terminalOf, type ResponseMeta, type ResponseState } from './response-object.js';
import type { ResponsesContext } from './responses-request.js';
import { keepResponse } from './state.js';
import { isCanonicalItem, ownItem, ownItemId, responsesFields, upstreamItem, upstreamResponseFields } from './upstream-items.js';

/** The message or reasoning item being written (one at a time). */
interface ContentItem {
  kind: 'message' | 'reasoning';
  index: number;
  id: string;
  text: string;
  /** The upstream's item, on the lossless path (upstream-items.ts): what its end shows. */
  upstream?: Record<string, unknown>;
}

/** A tool call being written; several may be open at once (their arguments may interleave). */
interface ToolItem {
  index: number;
  id: string;
  callId: string;
  name: string;
  arguments: string;
  custom: boolean;
  upstream?: Record<string, unknown>;
}

/**
 * Canonical events as the Responses API's SSE: every frame an `event:` line
 * equal to its `type` and a `sequence_number` from 0, no `[DONE]`.
 *
 *   response.created → response.in_progress
 *   → per output item: response.output_item.added → its parts → response.output_item.done
 *       message:   content_part.added → output_text.delta* → output_text.done → content_part.done
 *       reasoning: content_part.added → reasoning_text.delta* → reasoning_text.done → content_part.done
 *       function:  function_call_arguments.delta* → function_call_arguments.done
 *       custom:    custom_tool_call_input.delta → custom_tool_call_input.done
 *   → exactly one of response.completed, response.incomplete (`incomplete_details.reason`)
 *     or response.failed (`error.code`), carrying the whole response.
 *
 * Each item in `output_item.done` is the object the final `response.output`
 * holds (the same id). A failure after the stream began, or a stream that
 * ends before the backend finished, is `response.failed`, never a cut.
 */
export class ResponsesStreamEncoder implements StreamEncoder {
  readonly #meta: ResponseMeta;
  readonly #context: ResponsesContext;
  #sequence = 0;
  /** The response's items by output index: done items, and placeholders of open ones. */
  readonly #output: unknown[] = [];
  #content: ContentItem | undefined;
  /** Open tool calls by their canonical index. */
  readonly #tools = new Map<number, ToolItem>();
  #finish: Finish | undefined;
  #usage: Usage | undefined;
  /** The terminal event was sent. */
  #over = false;
  #ended: { type: string; response: Record<string, unknown> } | undefined;
  /** A Responses backend's own response fields, from its finish. */
  #upstream: Record<string, unknown> | undefined;

  constructor(meta: ResponseMeta, context: ResponsesContext) {
    this.#meta = meta;
    this.#context = context;
  }

  start(): string {
    const response = this.#response({ status: 'in_progress', output: [] });
    return this.#frame('response.created', { response }) + this.#frame('response.in_progress', { response });
  }

  event(e: StreamEvent): string {
    if (this.#over) return '';
    switch (e.type) {
      case 'usage': this.#usage = e.usage; return '';
      case 'error': return this.error(e.error);
    }
    // A Responses request asks for one choice.
    if (e.choice !== 0) return '';
    // On the lossless path, the upstream's item ends the item it was made of; a hosted tool's comes whole.
    const upstream = upstreamItem(e.passthrough);
    if (upstream !== undefined && !isCanonicalItem(upstream)) return this.#closeAll('completed') + this.#whole(upstream);
    switch (e.type) {
      case 'text': {
        const open = this.#content?.kind === 'message' ? '' : this.#closeAll('completed') + this.#openContent('message');
        const content = this.#content!;
        if (upstream !== undefined) content.upstream = upstream;
        if (e.text === '') return open;
        content.text += e.text;
        const logprobs = responsesFields(e.passthrough)?.logprobs;
        return open + this.#delta('response.output_text.delta', content, e.text, ',"content_index":0', `,"logprobs":${logprobs === undefined ? '[]' : JSON.stringify(logprobs)}`);
      }
      case 'reasoning': {
        const open = this.#content?.kind === 'reasoning' ? '' : this.#closeAll('completed') + this.#openContent('reasoning');
        const content = this.#content!;
        if (upstream !== undefined) content.upstream = upstream;
        if (e.text === '') return open;
        content.text += e.text;
        return open + this.#delta('response.reasoning_text.delta', content, e.text, ',"content_index":0', '');
      }
      case 'reasoning_signature': {
        // The signature ends its reasoning block: one reasoning item each.
        const open = this.#content?.kind === 'reasoning' ? '' : this.#closeAll('completed') + this.#openContent('reasoning');
        if (upstream !== undefined) this.#content!.upstream = upstream;
        return open + this.#closeContent('completed', e.signature);
      }
      case 'reasoning_redacted': {
        const frames = this.#closeAll('completed');
        const id = newItemId.reasoning();
        const index = this.#output.length;
        const item = reasoningItem(id, { text: '', redacted: e.data }, this.#context, true);
        this.#output.push(item);
        return frames
          + this.#frame('response.output_item.added', { output_index: index, item: reasoningItem(id, { text: '' }, this.#context, false) })
          + this.#frame('response.output_item.done', { output_index: index, item });
      }
      case 'tool_call_start': {
        const frames = this.#closeContent('completed');
        const custom = this.#context.custom.has(e.name);
        const tool: ToolItem = { index: this.#output.length, id: custom ? newItemId.customToolCall() : newItemId.functionCall(), callId: e.id, name: e.name, arguments: '', custom };
        const item = this.#toolItem(tool, 'in_progress');
        this.#output.push(item);
        this.#tools.set(e.index, tool);
        return frames + this.#frame('response.output_item.added', { output_index: tool.index, item });
      }
      case 'tool_call_delta': {
        const tool = this.#tools.get(e.index);
        if (tool === undefined) return this.error(new LinguaError('upstream', `The backend sent arguments for tool call ${e.index} before starting it.`));
        if (upstream !== undefined) tool.upstream = upstream;
        tool.arguments += e.arguments;
        // A custom tool's input is one string argument: sent whole once the call is complete.
        if (tool.custom || e.arguments === '') return '';
        return this.#delta('response.function_call_arguments.delta', tool, e.arguments, '', '');
      }
      case 'finish':
        this.#finish = e.finish;
        this.#upstream = upstreamResponseFields(e.passthrough);
        return this.#closeAll(terminalOf(e.finish).status === 'completed' ? 'completed' : 'incomplete');
    }
  }

  /** Stores the finished response (with `store`) before its terminal event goes out. */
  async keep(): Promise<void> {
    const final = this.#final();
    if (final !== undefined) await keepResponse(this.#context, final.response);
  }

  end(): string {
    if (this.#over) return '';
    const final = this.#final();
    if (final === undefined) return this.error(new LinguaError('upstream', 'The backend stream ended before the response finished.'));
    this.#over = true;
    return this.#frame(final.type, { response: final.response });
  }

  /** The terminal event's type and response, once the backend has finished (made once: `keep` and `end` share it). */
  #final(): { type: string; response: Record<string, unknown> } | undefined {
    if (this.#finish === undefined || this.#over) return undefined;
    if (this.#ended !== undefined) return this.#ended;
    const terminal = terminalOf(this.#finish);
    const type = terminal.status === 'completed' ? 'response.completed' : terminal.status === 'incomplete' ? 'response.incomplete' : 'response.failed';
    return this.#ended = { type, response: this.#response({ ...terminal, output: this.#output, usage: this.#usage, upstream: this.#upstream }) };
  }

  /** A failure after the stream began: `response.failed`, with the items so far (open ones incomplete). */
  error(error: LinguaError): string {
    if (this.#over) return '';
    this.#over = true;
    const output = [...this.#output];
    const content = this.#content;
    if (content !== undefined) {
      output[content.index] = content.kind === 'message'
        ? messageItem(content.id, content.text, 'incomplete')
        : reasoningItem(content.id, { text: content.text }, this.#context, true);
    }
    for (const tool of this.#tools.values()) output[tool.index] = this.#toolItem(tool, 'incomplete');
    return this.#frame('response.failed', { response: this.#response({ status: 'failed', error: failureOf(error), output, usage: this.#usage }) });
  }

  heartbeat(): string {
    return ': ping\n\n';
  }

  #response(state: ResponseState): Record<string, unknown> {
    return responseObject(this.#meta, this.#context, state);
  }

  #frame(type: string, fields: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.#sequence++, ...fields })}\n\n`;
  }

  /**
   * A delta frame, written out by hand: deltas are most of a stream's
   * frames, and the bytes are what `#frame` would write for
   * `{type, sequence_number, item_id, output_index, …, delta, …}`.
   */
  #delta(type: string, item: { id: string; index: number }, delta: string, before: string, after: string): string {
    return `event: ${type}\ndata: {"type":"${type}","sequence_number":${this.#sequence++},"item_id":${JSON.stringify(item.id)},"output_index":${item.index}${before},"delta":${JSON.stringify(delta)}${after}}\n\n`;
  }

  #at(item: { id: string; index: number }): { item_id: string; output_index: number } {
    return { item_id: item.id, output_index: item.index };
  }

  #openContent(kind: ContentItem['kind']): string {
    const item: ContentItem = { kind, index: this.#output.length, id: kind === 'message' ? newItemId.message() : newItemId.reasoning(), text: '' };
    const added = kind === 'message' ? messageItem(item.id, undefined, 'in_progress') : reasoningItem(item.id, { text: '' }, this.#context, false);
    this.#output.push(added);
    this.#content = item;
    const part = kind === 'message' ? outputText('') : { type: 'reasoning_text', text: '' };
    return this.#frame('response.output_item.added', { output_index: item.index, item: added })
      + this.#frame('response.content_part.added', { ...this.#at(item), content_index: 0, part });
  }

  /** Ends the open message or reasoning item; a reasoning item's signature comes with its end. */
  #closeContent(status: ItemStatus, signature?: string): string {
    const item = this.#content;
    if (item === undefined) return '';
    this.#content = undefined;
    const at = { ...this.#at(item), content_index: 0 };
    let frames: string;
    let done: Record<string, unknown>;
    if (item.kind === 'message') {
      done = item.upstream === undefined ? messageItem(item.id, item.text, status) : ownItem(item.upstream, item.id, this.#context);
      frames = item.upstream === undefined
        ? this.#frame('response.output_text.done', { ...at, text: item.text, logprobs: [] }) + this.#frame('response.content_part.done', { ...at, part: outputText(item.text) })
        : this.#partsDone(item, done);
    } else {
      frames = this.#frame('response.reasoning_text.done', { ...at, text: item.text })
        + this.#frame('response.content_part.done', { ...at, part: { type: 'reasoning_text', text: item.text } });
      done = item.upstream === undefined
        ? reasoningItem(item.id, { text: item.text, ...(signature === undefined ? {} : { signature }) }, this.#context, true)
        : ownItem(item.upstream, item.id, this.#context);
    }
    this.#output[item.index] = done;
    return frames + this.#frame('response.output_item.done', { output_index: item.index, item: done });
  }

  /**
   * The end of each content part of an upstream's message (the lossless
   * path): its annotations, then its text with its logprobs, as the part
   * came. Parts after the first (whose text came as the first's) open here.
   */
  #partsDone(item: ContentItem, done: Record<string, unknown>): string {
    const parts = Array.isArray(done.content) ? done.content as Array<Record<string, unknown>> : [];
    let frames = '';
    parts.forEach((part, content_index) => {
      const at = { ...this.#at(item), content_index };
      if (content_index > 0) frames += this.#frame('response.content_part.added', { ...at, part: { ...part, text: '', annotations: [] } });
      if (part.type === 'output_text') {
        const annotations = Array.isArray(part.annotations) ? part.annotations : [];
        annotations.forEach((annotation: unknown, annotation_index) => {
          frames += this.#frame('response.output_text.annotation.added', { ...at, annotation_index, annotation });
        });
        frames += this.#frame('response.output_text.done', { ...at, text: part.text, logprobs: part.logprobs ?? [] });
      }
      frames += this.#frame('response.content_part.done', { ...at, part });
    });
    return frames;
  }

  /** An upstream item no canonical event carries (a hosted tool's), added and done at once. */
  #whole(upstream: Record<string, unknown>): string {
    const index = this.#output.length;
    const item = ownItem(upstream, ownItemId(upstream), this.#context);
    this.#output.push(item);
    return this.#frame('response.output_item.added', { output_index: index, item })
      + this.#frame('response.output_item.done', { output_index: index, item });
  }

  #closeTools(status: ItemStatus): string {
    let frames = '';
    for (const tool of this.#tools.values()) {
      const item = tool.upstream === undefined ? this.#toolItem(tool, status) : ownItem(tool.upstream, tool.id, this.#context);
      if (tool.custom) {
        const input = item.input as string;
        if (input !== '') frames += this.#frame('response.custom_tool_call_input.delta', { ...this.#at(tool), delta: input });
        frames += this.#frame('response.custom_tool_call_input.done', { ...this.#at(tool), input });
      } else {
        frames += this.#frame('response.function_call_arguments.done', { ...this.#at(tool), name: item.name, arguments: tool.arguments });
      }
      this.#output[tool.index] = item;
      frames += this.#frame('response.output_item.done', { output_index: tool.index, item });
    }
    this.#tools.clear();
    return frames;
  }

  #closeAll(status: ItemStatus): string {
    return this.#closeContent(status) + this.#closeTools(status);
  }

  #toolItem(tool: ToolItem, status: ItemStatus): Record<string, unknown> {
    return toolCallItem(tool.id, { id: tool.callId, name: tool.name, arguments: tool.arguments }, this.#context, status);
  }
}

