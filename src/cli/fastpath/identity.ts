// Which aivp produced an answer: its version and the stamps of the code that decides what is stale,
// so a rebuilt or upgraded aivp never replays an answer an older one gave.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));

export function aivpCode(): [version: string, files: string[]] {
  const pkg = here('../../../package.json');
  const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
  return [version, [pkg, here('../program.js'), here('../../engine/assess.js'), here('../../project/schema-validator.cjs'), here('./state.js')]];
}
