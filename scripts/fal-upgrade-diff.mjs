// Maintainer script, for the next @fal-ai/client upgrade: which rows of aivp's fal model table
// the new catalogue breaks. Compares the committed catalogue with a new one (by default, the one
// scripts/fal-catalogue.mjs makes from the installed client) for every endpoint a row names
// (its id and its edit variant): endpoints that vanished, fields added or removed, fields that
// became required or optional, allowed values that changed. Exit 1 when a used endpoint changed.
//   npm run build && node scripts/fal-upgrade-diff.mjs [new-catalogue.json]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const committed = JSON.parse(readFileSync(new URL('../src/providers/fal/catalogue.json', import.meta.url), 'utf8')).endpoints;
const given = process.argv[2];
const fresh = JSON.parse(given
  ? readFileSync(given, 'utf8')
  : execFileSync(process.execPath, [new URL('./fal-catalogue.mjs', import.meta.url).pathname, '--stdout'], { encoding: 'utf8' })).endpoints;
const { FAL_MODELS } = await import(new URL('../dist/providers/fal/models.js', import.meta.url).href);

const used = [...new Set(FAL_MODELS.flatMap((m) => [m.id, m.editVariant].filter(Boolean)))].sort();
const show = (values) => (values ? values.join('|') : 'any');
const lines = [];
for (const id of used) {
  const before = committed[id] ?? {};
  const after = fresh[id];
  if (!after) {
    lines.push(`${id}: gone from the new catalogue`);
    continue;
  }
  for (const field of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const b = before[field];
    const a = after[field];
    if (!a) lines.push(`${id}: field ${field} removed`);
    else if (!b) lines.push(`${id}: field ${field} added${a.required ? ' (required)' : ''}`);
    else {
      if (!!a.required !== !!b.required) lines.push(`${id}: field ${field} is now ${a.required ? 'required' : 'optional'}`);
      if (a.kind !== b.kind) lines.push(`${id}: field ${field} kind ${b.kind} -> ${a.kind}`);
      if (show(a.values) !== show(b.values)) lines.push(`${id}: field ${field} values ${show(b.values)} -> ${show(a.values)}`);
    }
  }
}
process.stdout.write(lines.length ? `${lines.join('\n')}\n` : `the ${used.length} endpoints the table uses are unchanged\n`);
process.exitCode = lines.length ? 1 : 0;
