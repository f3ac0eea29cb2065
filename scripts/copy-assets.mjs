// Build step: tsc compiles only TypeScript, so the files modules read at run time are copied
// beside them: the gallery's CSS and browser scripts (src/gallery/page/ -> dist/gallery/page/)
// and fal's endpoint catalogue (src/providers/fal/catalogue.json).
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';

const src = new URL('../src/', import.meta.url);
const dist = new URL('../dist/', import.meta.url);
const copy = (file) => copyFileSync(new URL(file, src), new URL(file, dist));

mkdirSync(new URL('gallery/page/', dist), { recursive: true });
for (const name of readdirSync(new URL('gallery/page/', src))) copy(`gallery/page/${name}`);
mkdirSync(new URL('providers/fal/', dist), { recursive: true });
copy('providers/fal/catalogue.json');
