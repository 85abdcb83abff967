/**
 * The tokens a scripted local model (scriptedTokensModel) generates to make
 * one tool call that the engine parses, in the syntax of the generated
 * models' ChatML/Hermes template (`<tool_call>\n{"name": "…", "arguments": …}`).
 *
 * node-llama-cpp reads a call in parts, each under its own grammar, and
 * between parts puts the call's canonical text back into the context; the
 * scripted model only looks at the last token, so the script holds each part
 * as one token and also the last token of each canonical text:
 *  - the call prefix `<tool_call>\n{"name": "`, which switches the engine to the call; the
 *    engine puts it back re-tokenized, and the tokenizer reaches it as this one token again;
 *  - the name and the newline that ends it (the name grammar);
 *  - ` `, the last token of the canonical `…", "arguments": ` put back after the name;
 *  - the arguments as compact JSON, then the four newlines that end them (the
 *    parameters grammar, which asks every property of the schema, in order);
 *  - `>`, the last token of the canonical `}\n</tool_call>`: after it comes
 *    the end of the turn, so the model makes one call and stops.
 */
export function toolCallTokens(name: string, args: Record<string, unknown>): string[] {
  return ['<tool_call>\n{"name": "', `${name}\n`, ' ', JSON.stringify(args), '\n\n\n\n', '>'];
}
