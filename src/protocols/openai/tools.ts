import { invalidRequest, type ChatRequest, type ToolChoice, type ToolDefinition } from '../../canonical/index.js';
import { customAsFunction } from '../responses/tools.js';
import type { ChatCompletionRequest, ChatCompletionTool } from './request-schema.js';

type Choice = NonNullable<ChatCompletionRequest['tool_choice']>;

/**
 * A Chat tool as a canonical one: a function as it is, a custom
 * (freeform) tool as a function of one string argument, `input`, described
 * with its grammar, exactly as the Responses protocol serves its custom
 * tools (so every backend can call it).
 */
export function toTool(t: ChatCompletionTool): ToolDefinition {
  if (t.type === 'custom') {
    const c = t.custom;
    const format = c.format?.type === 'grammar' ? { type: 'grammar' as const, syntax: c.format.grammar.syntax, definition: c.format.grammar.definition } : c.format;
    return customAsFunction({ type: 'custom', name: c.name, description: c.description ?? null, format: format ?? null }, c.name);
  }
  const f = t.function;
  return {
    name: f.name,
    ...(f.description == null ? {} : { description: f.description }),
    parameters: f.parameters ?? { type: 'object', properties: {} },
    ...(f.strict == null ? {} : { strict: f.strict }),
  };
}

/**
 * `tool_choice` as the canonical choice. A named function or custom tool
 * must be in `tools` with that type; `allowed_tools` restricts the tools
 * the backend is sent to those it lists (what the API's `allowed_tools`
 * does, without its prompt-cache benefit) under its mode.
 */
export function applyToolChoice(choice: Choice, tools: readonly ChatCompletionTool[], request: ChatRequest): void {
  if (typeof choice === 'string') {
    request.toolChoice = choice;
    return;
  }
  if (choice.type !== 'allowed_tools') {
    request.toolChoice = named(choice, tools, 'tool_choice');
    return;
  }
  const allowed = new Set<string>();
  choice.allowed_tools.tools.forEach((t, i) => allowed.add(named(t, tools, `tool_choice.allowed_tools.tools[${i}]`).name));
  request.tools = request.tools?.filter((t) => allowed.has(t.name));
  request.toolChoice = choice.allowed_tools.mode;
}

function named(choice: Exclude<Choice, string | { type: 'allowed_tools' }>, tools: readonly ChatCompletionTool[], param: string): Extract<ToolChoice, object> {
  const name = choice.type === 'function' ? choice.function.name : choice.custom.name;
  const known = tools.some((t) => t.type === choice.type && (t.type === 'function' ? t.function.name : t.custom.name) === name);
  if (!known) throw invalidRequest(`Invalid '${param}': no ${choice.type} tool named '${name}' in 'tools'.`, param, 'invalid_request_error');
  return { name };
}
