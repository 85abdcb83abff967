/**
 * An embeddings request and its answer: what the embeddings protocol
 * decodes, the pipeline routes and a provider's `embed` serves.
 */
export interface EmbedRequest {
  model: string;
  /** Texts, or token-id arrays: one vector each, in order. */
  input: { kind: 'text'; texts: string[] } | { kind: 'tokens'; tokens: number[][] };
  /**
   * The input came as one value (a string, or one array of token ids), not a
   * list: an upstream is sent the shape the client sent.
   */
  single: boolean;
  encodingFormat: 'float' | 'base64';
  /** The size of each vector, for models that can shorten theirs. */
  dimensions?: number;
  user?: string;
}

export interface EmbedResult {
  /** One vector per input, in the input's order. */
  vectors: number[][];
  /** As the backend counted them; absent: it did not say (the pipeline then estimates, and records it as an estimate). */
  inputTokens?: number;
}
