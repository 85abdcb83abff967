import { refusePart, type FilePart, type UserPart } from '../../canonical/index.js';

type Json = Record<string, unknown>;

const backend = 'an OpenAI-compatible API';

/**
 * A user (or tool-result) part as a Chat Completions content part; `at`
 * names it (the canonical path of its `type`) for a refusal. An OpenAI
 * client's own `file` and `input_audio` parts go as they came; another
 * protocol's document becomes what Chat Completions has for it: a PDF a
 * `file` part, a text a text part. A URL (Chat takes no file URLs),
 * another vendor's file id and another protocol's own blocks are refused.
 */
export function toOpenAIPart(p: UserPart, at: string): Json {
  switch (p.type) {
    case 'text':
      return { type: 'text', text: p.text };
    case 'image':
      return { type: 'image_url', image_url: { url: p.url, ...(p.detail === undefined ? {} : { detail: p.detail }) } };
    case 'native':
      if (p.native.protocol === 'openai') return { ...p.native.block };
      throw refusePart(at, p.native.kind, backend);
    case 'file':
      if (p.native?.protocol === 'openai') return { ...p.native.block };
      return filePart(p, at);
  }
}

function filePart(p: FilePart, at: string): Json {
  const s = p.source;
  switch (s.type) {
    case 'text':
      return { type: 'text', text: s.text };
    case 'base64':
      if (s.mediaType === 'text/plain') return { type: 'text', text: Buffer.from(s.data, 'base64').toString('utf8') };
      if (s.mediaType === 'application/pdf') {
        return { type: 'file', file: { file_data: `data:${s.mediaType};base64,${s.data}`, filename: p.filename ?? 'document.pdf' } };
      }
      break;
    case 'file_id':
      // An OpenAI file id (from a Responses client's input_file); another API's ids mean nothing here.
      if (p.native?.protocol === 'responses') return { type: 'file', file: { file_id: s.fileId, ...(p.filename === undefined ? {} : { filename: p.filename }) } };
      break;
  }
  throw refusePart(at, `${kindOf(p)} (${sourceOf(p)})`, backend);
}

/** The block's type as its client named it. */
function kindOf(p: FilePart): string {
  return p.native?.kind ?? 'file';
}

function sourceOf(p: FilePart): string {
  const s = p.source;
  return s.type === 'base64' ? s.mediaType : s.type === 'file_id' ? 'file id' : s.type;
}
