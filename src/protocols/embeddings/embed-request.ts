/**
 * An embeddings request and its answer, between the embeddings protocol
 * and the serve stage (not yet wired: see the report of issue 14 item 6).
 */
export interface EmbedRequest {
  model: string;
  /** Texts, or token-id arrays: one vector each, in order. */
  input: { kind: 'text'; texts: string[] } | { kind: 'tokens'; tokens: number[][] };
  encodingFormat: 'float' | 'base64';
  dimensions?: number;
  user?: string;
}

export interface EmbedResult {
  vectors: number[][];
  inputTokens: number;
}
