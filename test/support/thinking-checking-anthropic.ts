import type { ServerResponse } from 'node:http';
import { FakeAnthropic, sendError } from './fake-anthropic.js';
import type { RecordedRequest } from './fake-upstream.js';

type Block = Record<string, unknown>;
type Turn = { role: string; content: string | Block[] };

/**
 * What Anthropic refuses about thinking (its 400s): a `thinking` block in
 * the history without a signature; with thinking on, a budget under 1024
 * or not below `max_tokens`, forced tool use, and a last assistant turn
 * that used a tool (the one a tool loop continues) not starting with a
 * thinking block.
 */
export function thinkingProblem(body: Record<string, unknown>): string | undefined {
  const turns = body.messages as Turn[];
  for (const [i, turn] of turns.entries()) {
    if (typeof turn.content === 'string') continue;
    for (const [j, b] of turn.content.entries()) {
      if (b.type === 'thinking' && (typeof b.signature !== 'string' || b.signature === '')) return `messages.${i}.content.${j}.thinking.signature: Field required`;
    }
  }
  const thinking = body.thinking as { type: string; budget_tokens?: number } | undefined;
  if (thinking?.type !== 'enabled') return undefined;
  const budget = thinking.budget_tokens ?? 0;
  if (budget < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
  if (budget >= (body.max_tokens as number)) return '`max_tokens` must be greater than `thinking.budget_tokens`.';
  const choice = (body.tool_choice as { type?: string } | undefined)?.type;
  if (choice === 'any' || choice === 'tool') return 'Thinking may not be enabled when tool_choice forces tool use.';
  const last = turns.findLast((t) => t.role === 'assistant');
  if (last === undefined || typeof last.content === 'string') return undefined;
  const first = last.content[0]?.type;
  if (last.content.some((b) => b.type === 'tool_use') && first !== 'thinking' && first !== 'redacted_thinking') {
    return 'messages: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block.';
  }
  return undefined;
}

/** The fake Anthropic upstream, answering 400 to what Anthropic refuses about thinking. */
export class ThinkingCheckingAnthropic extends FakeAnthropic {
  protected override async answer(recorded: RecordedRequest, res: ServerResponse): Promise<void> {
    const problem = recorded.path.endsWith('/messages') ? thinkingProblem(recorded.body) : undefined;
    if (problem !== undefined) return sendError(res, 400, 'invalid_request_error', problem);
    return super.answer(recorded, res);
  }
}
