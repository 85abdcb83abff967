/** A base64 data URL's parts (`data:<media type>;base64,<data>`), or undefined when `url` is not one. */
export function base64DataUrl(url: string): { mediaType: string; data: string } | undefined {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return m === null ? undefined : { mediaType: m[1]!, data: m[2]! };
}
