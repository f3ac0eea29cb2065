// The one redactor: every message that may quote user input or a server's answer passes here
// before it is printed or kept. It hides the secrets in use and anything shaped like a key, so a
// key pasted into the wrong field is never echoed back.

/** Keys by their own shape, wherever they were pasted: fal `id:secret`, Google `AIza…`, OpenAI and Stability `sk-…`. */
const KEY_SHAPES: { what: string; re: RegExp }[] = [
  { what: 'a fal key', re: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:[0-9a-f]{32}\b/gi },
  { what: 'a Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { what: 'an OpenAI or Stability key', re: /\bsk-(?:proj-|svcacct-|admin-)?[0-9A-Za-z_-]{20,}/g },
];

/** `secrets`: values to hide wherever they appear (the keys a provider was given). */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  for (const { re } of KEY_SHAPES) out = out.replace(re, '***');
  return out.replace(/([?&](?:key|api_key|access_token)=)[^&\s"'\\]+/gi, '$1***');
}

/** What the key-shaped value in `text` looks like ('a Google API key'), or undefined. */
export function keyShapeIn(text: string): string | undefined {
  return KEY_SHAPES.find(({ re }) => text.search(re) >= 0)?.what;
}
