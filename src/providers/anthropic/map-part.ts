import { refusePart, type FilePart, type ImagePart, type UserPart } from '../../canonical/index.js';

type Block = Record<string, unknown>;

const backend = 'Anthropic Messages API';

/**
 * A user (or tool-result) part as an Anthropic content block; `at` is its
 * canonical path. An Anthropic client's own blocks (`document` with its
 * title and citations, `search_result`…) go as they came; another
 * protocol's file becomes a `document` where Anthropic reads it (a PDF or
 * a text, inline or by URL); its own blocks (`input_audio`) and file ids
 * of another vendor's store are refused.
 */
export function toAnthropicPart(p: UserPart, at: string, image: (p: ImagePart, at: string) => Block): Block {
  switch (p.type) {
    case 'text':
      return { type: 'text', text: p.text };
    case 'image':
      return image(p, at);
    case 'native':
      if (p.native.protocol === 'anthropic') return { ...p.native.block };
      throw refusePart(`${at}.type`, p.native.kind, backend);
    case 'file':
      if (p.native?.protocol === 'anthropic') return { ...p.native.block };
      return documentBlock(p, at);
  }
}

function documentBlock(p: FilePart, at: string): Block {
  const title = p.filename === undefined ? {} : { title: p.filename };
  const s = p.source;
  switch (s.type) {
    case 'text':
      return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: s.text }, ...title };
    case 'url':
      return { type: 'document', source: { type: 'url', url: s.url }, ...title };
    case 'base64':
      if (s.mediaType === 'application/pdf') return { type: 'document', source: { type: 'base64', media_type: s.mediaType, data: s.data }, ...title };
      if (s.mediaType === 'text/plain') {
        return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: Buffer.from(s.data, 'base64').toString('utf8') }, ...title };
      }
      throw refusePart(`${at}.type`, `${p.native?.kind ?? 'file'} (${s.mediaType})`, backend);
    case 'file_id':
      throw refusePart(`${at}.type`, `${p.native?.kind ?? 'file'} (file id)`, backend);
  }
}
