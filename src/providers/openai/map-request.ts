import { partPath, refusePart, refuseUnportable, type AssistantMessage, type ChatRequest, type Message, type ToolChoice, type UserPart } from '../../canonical/index.js';
import { ParamAdaptations } from '../../params/unsupported-policy.js';
import { addToolResults } from './map-tool-results.js';
import { toOpenAIPart } from './map-part.js';

export interface OpenAIBodyOptions {
  /** The upstream's model id. */
  model: string;
  /** Which field carries the token limit upstream. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** The upstream takes `top_k` (vLLM, SGLang, llama.cpp server); OpenAI itself refuses it. */
  acceptsTopK?: boolean;
  /** The upstream takes `reasoning_content` on assistant history (DeepSeek, Kimi); OpenAI itself refuses it. */
  acceptsReasoningContent?: boolean;
  /** What parameters the upstream lacks become (absent: a 400 each, `strict`). */
  adaptations?: ParamAdaptations;
}

const backend = 'an OpenAI-compatible API';

/**
 * The canonical request as an OpenAI Chat Completions body. Top-level
 * fields Lingua does not model (`extra`) are passed through when they came
 * from an OpenAI-family body (`store`, `prediction`, vendor extensions…);
 * another protocol's never are, and one only its own backends can honour
 * is refused (`refuseUnportable`).
 */
export function toOpenAIBody(req: ChatRequest, options: OpenAIBodyOptions): Record<string, unknown> {
  refuseUnportable(req, 'openai', 'an OpenAI-compatible API');
  const messages: Record<string, unknown>[] = [];
  req.messages.forEach((m, i) => addMessage(m, i, messages, options.acceptsReasoningContent === true));
  const body: Record<string, unknown> = req.extraProtocol === undefined || req.extraProtocol === 'openai'
    ? { ...req.extra, model: options.model, messages }
    : { model: options.model, messages };
  if (req.stream) {
    body.stream = true;
    // Always ask for usage: billing needs it even when the client did not.
    body.stream_options = { include_usage: true };
  }
  if (req.n !== 1) body.n = req.n;
  if (req.maxTokens !== undefined) body[options.maxTokensField] = req.maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.topK !== undefined) {
    if (options.acceptsTopK === true) body.top_k = req.topK;
    else (options.adaptations ?? new ParamAdaptations('strict')).drop('top_k', backend);
  }
  if (req.stop !== undefined) body.stop = req.stop;
  if (req.presencePenalty !== undefined) body.presence_penalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) body.frequency_penalty = req.frequencyPenalty;
  if (req.logitBias !== undefined) body.logit_bias = req.logitBias;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.user !== undefined) body.user = req.user;
  // Chat Completions refuses an empty `tools`, and `tool_choice` or `parallel_tool_calls` without tools.
  const hasTools = req.tools !== undefined && req.tools.length > 0;
  if (hasTools) {
    body.tools = req.tools!.map((t) => ({
      type: 'function',
      function: {
        name: t.name,
        ...(t.description === undefined ? {} : { description: t.description }),
        parameters: t.parameters,
        ...(t.strict === undefined ? {} : { strict: t.strict }),
      },
    }));
  }
  if (hasTools && req.toolChoice !== undefined) body.tool_choice = toToolChoice(req.toolChoice);
  if (hasTools && req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  if (req.responseFormat !== undefined) {
    const f = req.responseFormat;
    body.response_format = f.type === 'json_schema'
      ? { type: 'json_schema', json_schema: { name: f.name, schema: f.schema, ...(f.strict === undefined ? {} : { strict: f.strict }), ...(f.description === undefined ? {} : { description: f.description }) } }
      : { type: f.type };
  }
  const effort = req.reasoning?.effort ?? effortForBudget(req.reasoning?.budgetTokens);
  if (effort !== undefined) body.reasoning_effort = effort;
  return body;
}

/** A thinking budget (Anthropic clients) as the nearest OpenAI effort level. */
export function effortForBudget(budget: number | undefined): 'low' | 'medium' | 'high' | undefined {
  if (budget === undefined) return undefined;
  if (budget < 4096) return 'low';
  if (budget < 16384) return 'medium';
  return 'high';
}

function toToolChoice(choice: ToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

/** One canonical message as OpenAI messages (a tool message holds one result each), added to `out`. */
function addMessage(m: Message, i: number, out: Record<string, unknown>[], reasoningContent: boolean): void {
  switch (m.role) {
    case 'system':
      out.push({ role: 'system', content: m.content.map((p) => p.text).join('\n\n') });
      return;
    case 'user':
      out.push(m.name === undefined ? { role: 'user', content: toContent(m.content, i) } : { role: 'user', content: toContent(m.content, i), name: m.name });
      return;
    case 'assistant':
      out.push(toAssistant(m, i, reasoningContent));
      return;
    case 'tool':
      addToolResults(m.content, out, (parts) => toContent(parts));
  }
}

/** A lone text part goes as a plain string: the form every upstream accepts. */
function toContent(parts: readonly UserPart[], i?: number): string | Record<string, unknown>[] {
  if (parts.length === 1 && parts[0]?.type === 'text') return parts[0].text;
  return parts.map((p, j) => toOpenAIPart(p, i === undefined ? 'messages' : `messages[${i}].content[${j}].type`));
}

/** `reasoningContent`: the upstream takes earlier reasoning back as `reasoning_content`; otherwise it is left out. */
function toAssistant(m: AssistantMessage, i: number, reasoningContent: boolean): Record<string, unknown> {
  let text = '';
  let reasoning = '';
  const calls: Record<string, unknown>[] = [];
  for (const [j, p] of m.content.entries()) {
    if (p.type === 'text') text += p.text;
    else if (p.type === 'reasoning') reasoning += p.text;
    else if (p.type === 'native') throw refusePart(partPath(i, j, 'type'), p.native.kind, backend);
    else calls.push({ id: p.id, type: 'function', function: { name: p.name, arguments: p.arguments } });
  }
  const out: Record<string, unknown> = { role: 'assistant', content: text === '' && calls.length > 0 ? null : text };
  if (reasoningContent && reasoning !== '') out.reasoning_content = reasoning;
  if (calls.length > 0) out.tool_calls = calls;
  if (m.name !== undefined) out.name = m.name;
  return out;
}
