import { invalidRequest, type FilePart, type NativePart, type UserPart } from '../../canonical/index.js';
import { base64DataUrl } from '../../lib/data-url.js';
import type { ChatCompletionMessage } from './request-schema.js';

type Part = Exclude<Extract<ChatCompletionMessage, { role: 'user' }>['content'], string>[number];

/**
 * A user content part as a canonical part; `at` is its path. A `file`
 * becomes a file part (its data URL read into media type and data), an
 * `input_audio` a native part: both go to an OpenAI-compatible backend as
 * they came (`native`), and other backends take what they can say.
 */
export function toUserPart(p: Part, at: string): UserPart {
  switch (p.type) {
    case 'text':
      return { type: 'text', text: p.text };
    case 'image_url':
      return { type: 'image', url: p.image_url.url, ...(p.image_url.detail === undefined ? {} : { detail: p.image_url.detail }) };
    case 'input_audio':
      return native(p);
    case 'file':
      return toFile(p, at);
  }
}

function native(p: Part): NativePart {
  return { type: 'native', native: { protocol: 'openai', kind: p.type, block: p as Record<string, unknown> } };
}

function toFile(p: Extract<Part, { type: 'file' }>, at: string): FilePart {
  const f = p.file;
  const kept = { protocol: 'openai' as const, kind: 'file', block: p as Record<string, unknown> };
  const name = f.filename == null ? {} : { filename: f.filename };
  if (f.file_data != null) {
    const data = base64DataUrl(f.file_data);
    if (data === undefined) throw invalidRequest(`Invalid '${at}.file.file_data': expected a base64 data URL (data:<media type>;base64,<data>).`, `${at}.file.file_data`, 'invalid_value');
    return { type: 'file', source: { type: 'base64', ...data }, ...name, native: kept };
  }
  if (f.file_id != null) return { type: 'file', source: { type: 'file_id', fileId: f.file_id }, ...name, native: kept };
  throw invalidRequest(`Invalid '${at}.file': one of 'file_data' or 'file_id' is required.`, `${at}.file`, 'missing_required_parameter');
}
