// The page's own CSS and browser scripts: real files in page/ beside this module (the build copies
// src/gallery/page/ to dist/gallery/page/), read once, on first use, to be inlined: the page loads
// nothing, so the gallery folder stays self-contained.
import { readFileSync } from 'node:fs';
import { rawPageText, type SafeHtml } from './markup.js';

/** storyboard.css: the page; seek.js: the timeline seeks the film; live.js: what `watch --serve` adds. */
export type PageFile = 'storyboard.css' | 'seek.js' | 'live.js';

const read = new Map<PageFile, SafeHtml>();

/** The file's text without its final newline, as markup for a <style> or <script> element. */
export function pageFile(name: PageFile): SafeHtml {
  let text = read.get(name);
  if (!text) {
    text = rawPageText(readFileSync(new URL(`./page/${name}`, import.meta.url), 'utf8').replace(/\n$/, ''));
    read.set(name, text);
  }
  return text;
}
