/**
 * Whether an upstream's 4xx says the request is longer than the model's
 * context: what `context_fallbacks` are for (docs/routing.md). Upstreams say
 * it in their own words:
 * - OpenAI: code `context_length_exceeded` ("This model's maximum context length is …");
 * - vLLM: "This model's maximum context length is …", "… is longer than the maximum model length of …";
 * - SGLang: "The input (N tokens) is longer than the model's context length (M tokens)";
 * - Anthropic: "prompt is too long: N tokens > M maximum";
 * - llama.cpp's server: type `exceed_context_size_error` ("the request exceeds the available context size");
 * - Mistral: "… too large for model with N maximum context length"; Gemini: "The input token count (N) exceeds the maximum …".
 */
export function saysContextTooLong(status: number, detail: { code?: string; type?: string; message?: string }): boolean {
  if (status !== 400 && status !== 413 && status !== 422) return false;
  if (detail.code === 'context_length_exceeded' || detail.type === 'exceed_context_size_error') return true;
  return detail.message !== undefined && contextTooLong.test(detail.message);
}

const contextTooLong = /maximum context length|context length exceeded|context_length_exceeded|prompt is too long|exceeds the available context size|longer than the model's context length|longer than the maximum model length|input token count \(\d+\) exceeds the maximum/i;
