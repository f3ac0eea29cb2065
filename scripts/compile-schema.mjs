// Build step: the project schema's `providers:` section is generated from the provider registry
// (each descriptor's id and one line about it), so a new provider needs no schema edit; then the
// schema is compiled into a standalone validator (dist/project/schema-validator.cjs), so the CLI
// does not compile it with ajv on every start (~140 ms). Only that section of the hand-written
// file is rewritten, and only when it changed; a test fails when the committed one is not current.
import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { PROVIDERS } from '../dist/providers/registry.js';
import { AJV_OPTIONS } from '../dist/project/schema-options.js';

const file = new URL('../schemas/aivp.project.schema.json', import.meta.url);
const text = readFileSync(file, 'utf8');
const lines = PROVIDERS.filter((p) => p.named)
  .map((p) => `        ${JSON.stringify(p.id)}: { "$ref": "#/$defs/providerSettings", "description": ${JSON.stringify(p.about)} }`);
const section = /("providers": \{\n(?:.*\n)*?      "properties": \{\n)((?:.*\n)*?)(      \}\n)/;
if (!section.test(text)) throw new Error('schemas/aivp.project.schema.json: no `providers.properties` section to generate');
const generated = text.replace(section, (_, head, _body, tail) => `${head}${lines.join(',\n')}\n${tail}`);
if (generated !== text) writeFileSync(file, generated);
const schema = JSON.parse(generated);
const ajv = new Ajv2020({ ...AJV_OPTIONS, code: { source: true } });
writeFileSync(new URL('../dist/project/schema-validator.cjs', import.meta.url), standaloneCode.default(ajv, ajv.compile(schema)));
