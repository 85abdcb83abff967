/** Why a choice ended: Lingua's value, plus the backend's own word for it. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error' | 'other';

export interface Finish {
  reason: FinishReason;
  /** The backend's raw value, kept for logs and for protocols that can show it. */
  raw?: string;
  /** The stop sequence that ended generation, when one did and is known. */
  stopSequence?: string;
}
