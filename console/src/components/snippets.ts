/** Ready-to-paste calls with a new key: curl and the official SDKs, against this server. */
export interface Snippet {
  id: string;
  title: string;
  code: string;
}

export function snippets(key: string, model: string, origin: string): Snippet[] {
  const json = JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }] });
  return [
    {
      id: 'curl',
      title: 'curl',
      code: `curl ${origin}/v1/chat/completions \\
  -H "Authorization: Bearer ${key}" \\
  -H "Content-Type: application/json" \\
  -d '${json}'`,
    },
    {
      id: 'openai-py',
      title: 'OpenAI SDK (Python)',
      code: `from openai import OpenAI

client = OpenAI(base_url="${origin}/v1", api_key="${key}")
response = client.chat.completions.create(
    model="${model}",
    messages=[{"role": "user", "content": "Hello"}],
)
print(response.choices[0].message.content)`,
    },
    {
      id: 'openai-ts',
      title: 'OpenAI SDK (Node)',
      code: `import OpenAI from 'openai';

const client = new OpenAI({ baseURL: '${origin}/v1', apiKey: '${key}' });
const response = await client.chat.completions.create({
  model: '${model}',
  messages: [{ role: 'user', content: 'Hello' }],
});
console.log(response.choices[0].message.content);`,
    },
    {
      id: 'anthropic-py',
      title: 'Anthropic SDK (Python)',
      code: `from anthropic import Anthropic

client = Anthropic(base_url="${origin}", api_key="${key}")
message = client.messages.create(
    model="${model}",
    max_tokens=1024,
    messages=[{"role": "user", "content": "Hello"}],
)
print(message.content[0].text)`,
    },
    {
      id: 'anthropic-ts',
      title: 'Anthropic SDK (Node)',
      code: `import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic({ baseURL: '${origin}', apiKey: '${key}' });
const message = await client.messages.create({
  model: '${model}',
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'Hello' }],
});
console.log(message.content[0].type === 'text' ? message.content[0].text : message.content);`,
    },
  ];
}

/** A model name the key may use, for the snippets: its first exact name, else the first served model its globs match. */
export function snippetModel(allowed: readonly string[], served: readonly string[]): string {
  const glob = (p: string) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  const exact = allowed.find((m) => !/[*?]/.test(m));
  if (exact !== undefined) return exact;
  const match = served.find((m) => allowed.length === 0 || allowed.some((p) => glob(p).test(m)));
  return match ?? served[0] ?? 'MODEL';
}
