import type { ToolChoice, ToolDefinition } from '../../canonical/index.js';
import { invalidRequest } from '../../canonical/index.js';
import type { CustomTool, FunctionTool, ResponsesTool, ResponsesToolChoice } from './request-schema.js';
import { qualifiedName, type ToolName } from './tool-names.js';

/** What a request's `tools` and `tool_choice` become. */
export interface ToolPlan {
  tools: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** Names of the custom (freeform) tools: their calls go back as `custom_tool_call` items. */
  custom: ReadonlySet<string>;
  /** The tools of namespace tools, by the name the backend knows them by (tool-names.ts). */
  namespaced: ReadonlyMap<string, ToolName>;
  /** A `web_search` tool was given: Lingua's search loop, or a backend that searches natively, serves it. */
  webSearch: boolean;
  /** `tool_choice` names the web search tool: search before the model answers. */
  forcedSearch: boolean;
}

/**
 * Function tools as they are; custom (freeform) tools as functions of one
 * string argument, `input`, described with their grammar, so every backend
 * can call them (their calls and outputs map back in both directions);
 * the tools of a namespace tool under qualified names (tool-names.ts);
 * `web_search` as Lingua's web search (src/search/). Filters and a user
 * location for the search are refused: Lingua's search cannot apply them.
 */
export function toToolPlan(tools: readonly ResponsesTool[] | null | undefined, choice: ResponsesToolChoice | null | undefined): ToolPlan {
  const plan: ToolPlan = { tools: [], custom: new Set(), namespaced: new Map(), webSearch: false, forcedSearch: false };
  const custom = new Set<string>();
  const namespaced = new Map<string, ToolName>();
  const add = (t: FunctionTool | CustomTool, name: string, param: string): void => {
    if (plan.tools.some((d) => d.name === name)) throw invalidRequest(`Invalid '${param}': a tool named '${name}' is given twice.`, param, 'invalid_request_error');
    if (t.type === 'custom') custom.add(name);
    plan.tools.push(t.type === 'custom' ? customAsFunction(t, name) : functionOf(t, name));
  };
  (tools ?? []).forEach((t, i) => {
    switch (t.type) {
      case 'function':
      case 'custom':
        add(t, t.name, `tools[${i}].name`);
        return;
      case 'namespace':
        t.tools.forEach((inner, j) => {
          const name = qualifiedName(t.name, inner.name);
          namespaced.set(name, { namespace: t.name, name: inner.name });
          add({ ...inner, description: [t.description, inner.description].filter((d) => d != null && d !== '').join('\n\n') || null }, name, `tools[${i}].tools[${j}].name`);
        });
        return;
      default:
        if (t.filters?.allowed_domains != null && t.filters.allowed_domains.length > 0) {
          throw invalidRequest(`Unsupported parameter: 'tools[${i}].filters': this server's web search cannot restrict domains.`, `tools[${i}].filters`, 'unsupported_parameter');
        }
        if (t.user_location != null) {
          throw invalidRequest(`Unsupported parameter: 'tools[${i}].user_location': this server's web search takes no location.`, `tools[${i}].user_location`, 'unsupported_parameter');
        }
        plan.webSearch = true;
    }
  });
  plan.custom = custom;
  plan.namespaced = namespaced;
  if (choice != null) applyChoice(plan, choice);
  return plan;
}

function functionOf(t: FunctionTool, name: string): ToolDefinition {
  return {
    name,
    ...(t.description == null ? {} : { description: t.description }),
    parameters: t.parameters ?? { type: 'object', properties: {} },
    ...(t.strict == null ? {} : { strict: t.strict }),
  };
}

export function customAsFunction(t: CustomTool, name: string): ToolDefinition {
  const format = t.format?.type === 'grammar'
    ? `Its input must match this ${t.format.syntax === 'lark' ? 'Lark grammar' : 'regular expression'}:\n${t.format.definition}`
    : 'Its input is free-form text.';
  return {
    name,
    description: `${t.description ?? ''}${t.description ? '\n\n' : ''}${format}`,
    parameters: {
      type: 'object',
      properties: { input: { type: 'string', description: 'The whole input of the tool, as raw text.' } },
      required: ['input'],
      additionalProperties: false,
    },
  };
}

function applyChoice(plan: ToolPlan, choice: ResponsesToolChoice): void {
  if (typeof choice === 'string') {
    plan.toolChoice = choice;
    return;
  }
  switch (choice.type) {
    case 'function':
    case 'custom': {
      const known = plan.tools.some((t) => t.name === choice.name && plan.custom.has(t.name) === (choice.type === 'custom'));
      if (!known) throw invalidRequest(`Invalid 'tool_choice': no ${choice.type} tool named '${choice.name}' in 'tools'.`, 'tool_choice.name', 'invalid_request_error');
      plan.toolChoice = { name: choice.name };
      return;
    }
    case 'allowed_tools': {
      const allowed = new Set<string>();
      let search = false;
      choice.tools.forEach((t, i) => {
        if (typeof t.type === 'string' && t.type.startsWith('web_search')) search = true;
        else if (typeof t.name === 'string' && plan.tools.some((d) => d.name === t.name)) allowed.add(t.name);
        else throw invalidRequest(`Invalid 'tool_choice.tools[${i}]': it names no tool in 'tools'.`, `tool_choice.tools[${i}]`, 'invalid_request_error');
      });
      // The model sees only the allowed tools: what the API's allowed_tools does, without its prompt-cache benefit.
      plan.tools = plan.tools.filter((t) => allowed.has(t.name));
      plan.webSearch &&= search;
      plan.toolChoice = choice.mode;
      return;
    }
    case 'web_search':
    case 'web_search_2025_08_26':
    case 'web_search_preview':
    case 'web_search_preview_2025_03_11':
      if (!plan.webSearch) throw invalidRequest("Invalid 'tool_choice': it names web search, which is not in 'tools'.", 'tool_choice.type', 'invalid_request_error');
      plan.forcedSearch = true;
      return;
    default:
      throw invalidRequest(`Unsupported value: 'tool_choice.type' '${choice.type}': this server's only built-in tool is web search.`, 'tool_choice.type', 'unsupported_value');
  }
}
