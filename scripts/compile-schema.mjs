// Build step: compile the project schema into a standalone validator (dist/project/schema-validator.cjs),
// so the CLI does not compile the schema with ajv on every start (~140 ms).
import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { AJV_OPTIONS } from '../dist/project/schema-options.js';

const schema = JSON.parse(readFileSync(new URL('../schemas/aivp.project.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ ...AJV_OPTIONS, code: { source: true } });
writeFileSync(new URL('../dist/project/schema-validator.cjs', import.meta.url), standaloneCode.default(ajv, ajv.compile(schema)));
