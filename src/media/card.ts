// A draft "card": a gradient picked by a hash, the node name, the prompt and small thumbnails of
// the images that went in, drawn as one SVG and composited with sharp. Same input, same bytes.
import sharp, { type OverlayOptions, type Sharp } from 'sharp';
import type { RawImage } from './thumbnail.js';

export interface CardThumb {
  /** Shown under the thumbnail, e.g. `ref: hero`. */
  label: string;
  /** Raw RGB pixels, or undefined when the image could not be read (a placeholder box is drawn). */
  image?: RawImage;
}

export interface CardSpec {
  width: number;
  height: number;
  /** Hex digest that picks the colours and shapes. */
  hash: string;
  title: string;
  text: string;
  footer: string;
  thumbs: CardThumb[];
}

const FONT = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";
/** Average glyph advance of the fonts above, in em: enough to wrap without measuring. */
const CHAR_EM = 0.58;

/** The card as PNG. */
export async function renderCard(spec: CardSpec): Promise<Buffer> {
  return cardPipeline(spec).png({ compressionLevel: 3 }).toBuffer();
}

/** The card as raw RGB pixels (for animatics). */
export async function renderCardRaw(spec: CardSpec): Promise<RawImage> {
  const { data, info } = await cardPipeline(spec).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The size thumbnails should be made at for a card of this size. */
export function thumbHeight(cardHeight: number): number {
  return Math.round(cardHeight / 5);
}

function cardPipeline(spec: CardSpec): Sharp {
  const { width: W, height: H } = spec;
  const pad = Math.max(2, Math.round(Math.min(W, H) / 32));
  const th = thumbHeight(H);
  const labelSize = Math.max(6, Math.round(th / 9));
  const row = layoutThumbs(spec.thumbs, W - 2 * pad, th, pad);
  const rowTop = H - pad - labelSize * 1.6 - th;

  const titleSize = Math.max(8, Math.round(Math.min(H / 11, (W - 2 * pad) / Math.max(8, spec.title.length) / CHAR_EM)));
  const textSize = Math.max(6, Math.round(H / 26));
  const footerSize = Math.max(6, Math.round(H / 36));
  const textTop = pad + titleSize * 1.9;
  const textBottom = (row.placed.length ? rowTop : H - pad) - footerSize * 2.2;
  const maxLines = Math.max(0, Math.floor((textBottom - textTop) / (textSize * 1.3)));
  const lines = wrapText(spec.text, Math.floor((W - 2 * pad) / (textSize * CHAR_EM)), maxLines);

  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">`,
    background(spec.hash, W, H),
    text(pad, pad + titleSize, titleSize, spec.title, 'bold'),
    ...lines.map((line, i) => text(pad, textTop + textSize * (1 + 1.3 * i), textSize, line)),
    text(pad, textBottom + footerSize * 1.6, footerSize, spec.footer, 'normal', 0.75),
    ...row.placed.map((p) =>
      [
        `<rect x="${p.left - 1}" y="${rowTop - 1}" width="${p.width + 2}" height="${th + 2}" fill="#000" fill-opacity="0.35" stroke="#fff" stroke-opacity="0.6"/>`,
        text(p.left, rowTop + th + labelSize * 1.3, labelSize, clip(p.thumb.label, Math.floor(p.width / (labelSize * CHAR_EM)))),
      ].join(''),
    ),
    row.hidden ? text(row.end + pad / 2, rowTop + th / 2, labelSize * 1.5, `+${row.hidden}`, 'bold') : '',
    '</svg>',
  ].join('');

  const overlays: OverlayOptions[] = row.placed.flatMap((p) =>
    p.image ? [{ input: p.image.data, raw: { width: p.image.width, height: p.image.height, channels: 3 as const }, left: p.left, top: Math.round(rowTop) }] : [],
  );
  return sharp(Buffer.from(svg)).composite(overlays);
}

interface Placed {
  thumb: CardThumb;
  image?: RawImage;
  left: number;
  width: number;
}

/** Left to right while they fit; the rest are counted as `+N`. */
function layoutThumbs(thumbs: CardThumb[], room: number, th: number, gap: number): { placed: Placed[]; hidden: number; end: number } {
  const placed: Placed[] = [];
  if (th < 8) return { placed, hidden: thumbs.length, end: 0 };
  let x = gap;
  for (const thumb of thumbs) {
    const image = thumb.image && thumb.image.height <= th && thumb.image.width <= room ? thumb.image : undefined;
    const width = image ? image.width : th;
    if (x + width > gap + room - (placed.length < thumbs.length - 1 ? th / 2 : 0)) break;
    placed.push({ thumb, image, left: Math.round(x), width });
    x += width + gap;
  }
  return { placed, hidden: thumbs.length - placed.length, end: x };
}

function background(hash: string, W: number, H: number): string {
  const byte = (i: number) => parseInt(hash.slice(2 * i, 2 * i + 2), 16);
  const hue = (byte(0) * 360) / 256;
  const hue2 = (hue + 40 + (byte(1) * 100) / 256) % 360;
  const angle = (byte(2) * 360) / 256;
  const rad = (angle * Math.PI) / 180;
  const [x1, y1, x2, y2] = [0.5 - Math.cos(rad) / 2, 0.5 - Math.sin(rad) / 2, 0.5 + Math.cos(rad) / 2, 0.5 + Math.sin(rad) / 2].map((v) => v.toFixed(3));
  const circles = [3, 6, 9].map((i) => {
    const cx = ((byte(i) / 255) * W).toFixed(0);
    const cy = ((byte(i + 1) / 255) * H).toFixed(0);
    const r = (((byte(i + 2) / 255) * 0.35 + 0.1) * Math.max(W, H)).toFixed(0);
    return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="#fff" fill-opacity="${(0.04 + byte(i) / 255 / 12).toFixed(3)}"/>`;
  });
  return [
    `<defs><linearGradient id="g" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}">`,
    `<stop offset="0" stop-color="hsl(${hue.toFixed(0)},55%,34%)"/><stop offset="1" stop-color="hsl(${hue2.toFixed(0)},50%,16%)"/>`,
    `</linearGradient></defs><rect width="${W}" height="${H}" fill="url(#g)"/>`,
    ...circles,
  ].join('');
}

function text(x: number, y: number, size: number, content: string, weight = 'normal', opacity = 1): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-family="${FONT}" font-size="${size}" font-weight="${weight}" fill="#fff" fill-opacity="${opacity}">${escapeXml(content)}</text>`;
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** Greedy word wrap to `width` characters, at most `maxLines` lines, an ellipsis when cut. */
export function wrapText(s: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  if (width < 1 || maxLines < 1) return lines;
  let line = '';
  for (const word of s.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (next.length <= width) {
      line = next;
      continue;
    }
    if (line) lines.push(line);
    if (lines.length === maxLines) {
      lines[maxLines - 1] = ellipsis(lines[maxLines - 1]!, width);
      return lines;
    }
    line = clip(word, width);
  }
  if (line) lines.push(line);
  return lines;
}

function clip(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, Math.max(0, width - 1))}…`;
}

function ellipsis(s: string, width: number): string {
  return s.length + 2 <= width ? `${s} …` : `${s.slice(0, Math.max(0, width - 1))}…`;
}
