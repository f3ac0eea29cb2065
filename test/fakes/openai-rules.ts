// What OpenAI's images API accepts, written from what OpenAI publishes (the `openai` 6.x request
// types `ImageGenerateParamsBase` / `ImageEditParamsBase`, the images reference, the models and
// deprecations pages as of 2026-12-03; PROVIDERS.md), not from aivp's model table: the fake refuses
// what OpenAI would, so a wrong request fails here as it would there.

/** Models the API serves on 2026-12-03: gpt-image-1 shut down 2026-10-23, -mini and -1.5 on 2026-12-01, DALL-E removed. */
const LIVE = new Set(['gpt-image-2']);

const GENERATE_FIELDS = new Set([
  'prompt', 'background', 'model', 'moderation', 'n', 'output_compression', 'output_format', 'partial_images',
  'quality', 'response_format', 'size', 'stream', 'style', 'user',
]);
const EDIT_FIELDS = new Set([
  'image', 'image[]', 'prompt', 'background', 'input_fidelity', 'mask', 'model', 'n', 'output_compression',
  'output_format', 'partial_images', 'quality', 'response_format', 'size', 'stream', 'user',
]);
const ENUMS: Record<string, string[]> = {
  background: ['transparent', 'opaque', 'auto'],
  moderation: ['low', 'auto'],
  output_format: ['png', 'jpeg', 'webp'],
  quality: ['low', 'medium', 'high', 'auto'],
  input_fidelity: ['high', 'low'],
};

export interface Refusal {
  status: number;
  code: string;
  param: string | null;
  message: string;
}

const refuse = (status: number, code: string, param: string | null, message: string): Refusal => ({ status, code, param, message });

/** gpt-image-2's sizes: `auto`, or WxH with sides multiples of 16, at most 3840 a side, ratio within 3:1, 655,360 to 8,294,400 pixels. */
function sizeRefusal(size: string): string | undefined {
  if (size === 'auto') return undefined;
  const m = /^(\d+)x(\d+)$/.exec(size);
  if (!m) return `Invalid size '${size}'.`;
  const [w, h] = [Number(m[1]), Number(m[2])];
  const bad = w % 16 || h % 16 || Math.max(w, h) > 3840 || Math.max(w, h) / Math.min(w, h) > 3 || w * h < 655_360 || w * h > 8_294_400;
  return bad ? `Invalid size '${size}'. Sides must be multiples of 16, at most 3840, with an aspect ratio within 3:1 and 655360 to 8294400 pixels.` : undefined;
}

/**
 * Why OpenAI would refuse this request, or undefined. `fields` holds every field as sent (text of
 * a JSON body or a multipart form); `images` counts the image parts of an edit.
 */
export function openaiRefusal(kind: 'generate' | 'edit', fields: Record<string, unknown>, images = 0): Refusal | undefined {
  const allowed = kind === 'generate' ? GENERATE_FIELDS : EDIT_FIELDS;
  for (const name of Object.keys(fields)) {
    if (!allowed.has(name)) return refuse(400, 'unknown_parameter', name, `Unknown parameter: '${name}'.`);
  }
  const model = String(fields.model ?? 'gpt-image-2');
  if (!LIVE.has(model)) return refuse(404, 'model_not_found', 'model', `The model \`${model}\` does not exist or you do not have access to it.`);
  if (typeof fields.prompt !== 'string' || fields.prompt.length === 0) return refuse(400, 'missing_required_parameter', 'prompt', "Missing required parameter: 'prompt'.");
  if ([...fields.prompt].length > 32_000) return refuse(400, 'string_above_max_length', 'prompt', 'The prompt is longer than 32000 characters.');
  if (fields.n !== undefined) {
    const n = Number(fields.n);
    if (!Number.isInteger(n) || n < 1 || n > 10) return refuse(400, 'integer_out_of_range', 'n', `Invalid 'n': expected an integer from 1 to 10, got ${String(fields.n)}.`);
  }
  if (fields.size !== undefined) {
    const why = sizeRefusal(String(fields.size));
    if (why) return refuse(400, 'invalid_value', 'size', why);
  }
  for (const [name, values] of Object.entries(ENUMS)) {
    if (fields[name] !== undefined && !values.includes(String(fields[name]))) {
      return refuse(400, 'invalid_value', name, `Invalid value: '${String(fields[name])}'. Supported values are: ${values.map((v) => `'${v}'`).join(', ')}.`);
    }
  }
  if (kind === 'edit' && (images < 1 || images > 16)) return refuse(400, 'invalid_value', 'image', `An edit takes 1 to 16 images; got ${images}.`);
  return undefined;
}
