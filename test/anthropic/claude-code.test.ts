import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { anthropicFrames, assertWellFormed, messagesFixture, postAnthropic, type MessagesFixture } from '../support/messages-fixture.js';

/** The 24 tool names a current Claude Code sends (known-gateway-bugs.md). */
const toolNames = [
  'Agent', 'Bash', 'Edit', 'Glob', 'Grep', 'LS', 'MultiEdit', 'NotebookEdit', 'Read', 'TodoWrite', 'WebFetch', 'WebSearch',
  'Write', 'TaskCreate', 'TaskGet', 'TaskList', 'TaskUpdate', 'TaskOutput', 'TaskStop', 'ExitPlanMode', 'EnterPlanMode',
  'AskUserQuestion', 'Skill', 'KillShell',
];

/** Headers as observed from Claude Code 2.1.x with ANTHROPIC_BASE_URL set. */
const claudeCodeHeaders = {
  'anthropic-version': '2023-06-01',
  'anthropic-dangerous-direct-browser-access': 'true',
  'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,thinking-token-count-2026-05-13,context-management-2025-06-27,prompt-caching-scope-2026-01-05,mid-conversation-system-2026-04-07,effort-2025-11-24',
  'user-agent': 'claude-cli/2.1.0 (external, cli)',
};

/** A body of the shape Claude Code sends: body keys, system blocks, a system message after the user turn, cache_control. */
function claudeCodeBody(model: string) {
  return {
    model,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>\nAs you answer the user\'s questions, you can use the following context.\n</system-reminder>' },
          { type: 'text', text: 'Say hello.', cache_control: { type: 'ephemeral' } },
        ],
      },
      { role: 'system', content: 'The user is in print mode: answer in plain text.' },
    ],
    system: [
      { type: 'text', text: 'You are Claude Code, Anthropic\'s official CLI for Claude.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'You are an interactive CLI tool that helps users with software engineering tasks.', cache_control: { type: 'ephemeral' } },
    ],
    tools: toolNames.map((name) => ({
      name,
      description: `The ${name} tool.`,
      input_schema: {
        type: 'object',
        properties: { argument: { type: 'string', description: 'What to act on' } },
        required: ['argument'],
        additionalProperties: false,
        $schema: 'http://json-schema.org/draft-07/schema#',
      },
    })),
    metadata: { user_id: 'user_abc_account__session_123' },
    max_tokens: 32000,
    thinking: { type: 'adaptive' },
    context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
    output_config: { effort: 'high' },
    stream: true,
  };
}

describe('a Claude-Code-shaped client', () => {
  let f: MessagesFixture;
  before(async () => { f = await messagesFixture(); });
  after(() => f.close());

  test('the connectivity check on / answers 200', async () => {
    assert.equal((await fetch(`${f.server.url}/`)).status, 200);
    assert.equal((await fetch(`${f.server.url}/`, { method: 'HEAD' })).status, 200);
  });

  test('POST /v1/messages?beta=true with its headers and body streams a well-formed answer', async () => {
    f.upstream.reply = { choices: [{ reasoning: 'Just greet.', text: 'Hello!' }], usage: { prompt_tokens: 3100, completion_tokens: 9 }, chunkSize: 3 };
    const res = await postAnthropic(`${f.server.url}/v1/messages?beta=true`, claudeCodeBody('m1'), claudeCodeHeaders);
    assert.equal(res.status, 200);
    const frames = anthropicFrames(res.text);
    assertWellFormed(frames);
    assert.ok(frames[0]!.data.message.usage.input_tokens > 0, 'message_start input tokens are never 0 for a prompt');
    assert.deepEqual(frames.filter((x) => x.event === 'content_block_start').map((x) => x.data.content_block.type), ['thinking', 'text']);
    assert.deepEqual(frames.find((x) => x.event === 'message_delta')!.data, {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 3100, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 9 },
    });

    const body = f.upstream.last.body;
    assert.deepEqual(body.messages, [
      {
        role: 'system',
        // The top-level system blocks, then the system message from inside `messages`, in one leading system message.
        content: 'You are Claude Code, Anthropic\'s official CLI for Claude.\n\nYou are an interactive CLI tool that helps users with software engineering tasks.\n\nThe user is in print mode: answer in plain text.',
      },
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>\nAs you answer the user\'s questions, you can use the following context.\n</system-reminder>' },
          { type: 'text', text: 'Say hello.' },
        ],
      },
    ]);
    assert.equal((body.tools as unknown[]).length, 24);
    assert.equal(body.max_tokens, 32000);
    assert.equal(body.reasoning_effort, 'high', 'output_config.effort');
    assert.equal(body.user, 'user_abc_account__session_123');
    assert.equal(body.stream, true);
    // Anthropic-only fields never reach an OpenAI-compatible upstream.
    for (const field of ['context_management', 'output_config', 'thinking', 'metadata', 'system', 'cache_control']) assert.equal(body[field], undefined, field);
    assert.ok(!JSON.stringify(body).includes('cache_control'));
  });

  test('the same body counts on /v1/messages/count_tokens?beta=true', async () => {
    const res = await postAnthropic(`${f.server.url}/v1/messages/count_tokens?beta=true`, claudeCodeBody('m1'), claudeCodeHeaders);
    assert.equal(res.status, 200);
    const body = JSON.parse(res.text);
    assert.deepEqual(Object.keys(body), ['input_tokens']);
    assert.ok(body.input_tokens > 500, `24 tools and two system blocks are more than ${body.input_tokens} tokens`);
  });
});
