import { LlamaText, type ChatModelFunctions, type ChatWrapper } from 'node-llama-cpp';
import type { ChatRequest } from '../../canonical/index.js';
import { toGrammarSchema } from './json-schema-grammar.js';

/** How a request's tools are offered to the model. */
export interface ToolPlan {
  /** The functions the template renders and the model may call; none for `tool_choice: none`. */
  functions?: ChatModelFunctions;
  /** `required` or a named tool: generation starts inside a call. */
  forced: boolean;
}

/**
 * Tools become node-llama-cpp functions, rendered by the model's own chat
 * template and called in its own syntax (node-llama-cpp reads both from the
 * template), with arguments constrained to each tool's schema. A named
 * `tool_choice` offers only that tool.
 */
export function toolPlan(req: ChatRequest): ToolPlan {
  const choice = req.toolChoice ?? 'auto';
  if (req.tools === undefined || choice === 'none') return { forced: false };
  const tools = typeof choice === 'object' ? req.tools.filter((t) => t.name === choice.name) : req.tools;
  const functions: ChatModelFunctions = Object.fromEntries(req.tools.flatMap((t, i) => (tools.includes(t)
    ? [[t.name, {
      ...(t.description === undefined ? {} : { description: t.description }),
      params: toGrammarSchema(t.parameters, `tools[${i}].function.parameters`, false),
    }]]
    : [])));
  return { functions, forced: choice !== 'auto' };
}

/**
 * A chat wrapper that opens a function call at the start of the response:
 * the prompt ends with the template's call prefix and node-llama-cpp
 * begins in function-call mode, so the model can only write a call.
 */
export function forcingCalls(wrapper: ChatWrapper): ChatWrapper {
  return new Proxy(wrapper, {
    get(target, property) {
      if (property !== 'generateContextState') return Reflect.get(target, property, target) as unknown;
      const generate: ChatWrapper['generateContextState'] = (options) => {
        const state = target.generateContextState(options);
        return {
          contextText: LlamaText([state.contextText, LlamaText(target.settings.functions.call.prefix)]),
          stopGenerationTriggers: state.stopGenerationTriggers,
          ...(state.ignoreStartText === undefined ? {} : { ignoreStartText: state.ignoreStartText }),
          functionCall: { initiallyEngaged: true, disengageInitiallyEngaged: [] },
        };
      };
      return generate;
    },
  });
}
