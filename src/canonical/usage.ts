/** Token counts of one response. `inputTokens` includes cached ones. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Of `inputTokens`, how many were served from a prompt cache. */
  cachedInputTokens?: number;
  /** Of `outputTokens`, how many were reasoning. */
  reasoningTokens?: number;
}
