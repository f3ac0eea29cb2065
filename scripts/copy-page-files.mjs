// Build step: tsc compiles only TypeScript, so the gallery's CSS and browser scripts
// (src/gallery/page/) are copied beside the compiled module that reads them (dist/gallery/page/).
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';

const from = new URL('../src/gallery/page/', import.meta.url);
const to = new URL('../dist/gallery/page/', import.meta.url);
mkdirSync(to, { recursive: true });
for (const name of readdirSync(from)) copyFileSync(new URL(name, from), new URL(name, to));
