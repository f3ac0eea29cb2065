import { basename, dirname, extname, join } from 'node:path';

/** out.png -> out.png for one image; out_1.png, out_2.png, … for several. */
export function numbered(output: string, index: number, count: number): string {
  if (count <= 1) return output;
  const ext = extname(output);
  return join(dirname(output), `${basename(output, ext)}_${index + 1}${ext}`);
}
