/** A tool's name as the client knows it: its own, and the namespace tool it belongs to. */
export interface ToolName {
  namespace?: string;
  name: string;
}

/**
 * The name a backend knows a namespace's tool by: `<namespace>__<name>`
 * (tool names are flat everywhere but the Responses API, and must stay
 * unique across namespaces). Calls of it go back to the client as the
 * tool's own name with its `namespace`.
 */
export function qualifiedName(namespace: string | null | undefined, name: string): string {
  return namespace == null ? name : `${namespace}__${name}`;
}
