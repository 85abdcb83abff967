import { invalidRequest, type ResponseFormat } from '../../canonical/index.js';

/**
 * `response_format` emulated with a tool: Anthropic's Messages API has no
 * JSON mode, but a tool's `input` always conforms to its schema. The model is
 * made to call this tool and its input comes back to the client as the
 * message text (finish reason `stop`).
 */
export interface JsonResponseTool {
  name: string;
  definition: Record<string, unknown>;
}

export function jsonResponseTool(format: ResponseFormat | undefined): JsonResponseTool | undefined {
  if (format === undefined || format.type === 'text') return undefined;
  if (format.type === 'json_object') {
    return {
      name: 'json',
      definition: { name: 'json', description: 'Respond with a JSON object.', input_schema: { type: 'object', additionalProperties: true } },
    };
  }
  if (format.schema.type !== 'object') {
    throw invalidRequest(
      "Invalid 'response_format': on this model the JSON schema must describe an object (\"type\": \"object\"): the answer is produced as a tool input, which is always an object.",
      'response_format',
      'invalid_request_error',
    );
  }
  return {
    name: format.name,
    definition: {
      name: format.name,
      description: format.description ?? `Respond with a JSON object that matches the '${format.name}' schema.`,
      input_schema: format.schema,
    },
  };
}
