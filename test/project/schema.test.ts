// The JSON Schema: hover docs on every field, closed objects, patterns shared with the code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../src/providers/registry.js';
import { SIZE_PATTERN } from '../../src/providers/size.js';
import { SCHEMA_URL } from '../../src/project/schema.js';

type Schema = Record<string, any>;
const schema: Schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8'));
const deref = (s: Schema): Schema => (s.$ref ? { ...schema.$defs[s.$ref.replace('#/$defs/', '')], ...s } : s);

/** Every (sub)schema with its JSON pointer. */
function walk(s: Schema, at: string, visit: (s: Schema, at: string) => void): void {
  visit(s, at);
  for (const [key, child] of Object.entries(s.properties ?? {})) walk(child as Schema, `${at}/properties/${key}`, visit);
  for (const [key, child] of Object.entries(s.$defs ?? {})) walk(child as Schema, `${at}/$defs/${key}`, visit);
  for (const key of ['additionalProperties', 'items', 'propertyNames']) {
    if (s[key] && typeof s[key] === 'object') walk(s[key], `${at}/${key}`, visit);
  }
}

describe('aivp.project.schema.json', () => {
  it('is JSON Schema 2020-12', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('documents every field (directly or through its $ref)', () => {
    const undocumented: string[] = [];
    walk(schema, '#', (s, at) => {
      if (!deref(s).description && !at.endsWith('/propertyNames')) undocumented.push(at);
    });
    expect(undocumented).toEqual([]);
  });

  it('lists under providers: exactly the providers of the registry a user can name, in their words', () => {
    const named = PROVIDERS.filter((p) => p.named);
    expect(Object.entries(schema.properties.providers.properties).map(([id, s]) => [id, (s as Schema).description])).toEqual(named.map((p) => [p.id, p.about]));
  });

  it('closes every object with fixed fields', () => {
    const open: string[] = [];
    walk(schema, '#', (s, at) => {
      if (s.properties && s.additionalProperties !== false) open.push(at);
    });
    expect(open).toEqual([]);
  });

  it('uses the name pattern and the size pattern of the code', () => {
    expect(schema.$defs.name.pattern).toBe('^[a-z0-9][a-z0-9_-]*$');
    expect(new RegExp(schema.$defs.size.pattern).source).toBe(SIZE_PATTERN.source);
  });

  it('lists exactly the node fields of the spec', () => {
    const image = ['prompt', 'model', 'size', 'seed', 'num_images', 'pick', 'refs', 'input', 'mask', 'params', 'retries', 'timeout', 'fallback', 'output'];
    expect(Object.keys(schema.$defs.imageNode.properties).sort()).toEqual([...image].sort());
    expect(Object.keys(schema.$defs.reference.properties).sort()).toEqual([...image, 'file', 'dir'].sort());
    expect(Object.keys(schema.$defs.segment.properties).sort()).toEqual(
      ['keyframes', 'prompt', 'model', 'duration', 'aspect_ratio', 'position', 'audio', 'params', 'retries', 'timeout', 'fallback', 'output'].sort(),
    );
    expect(Object.keys(schema.properties).sort()).toEqual(
      ['aivp', 'name', 'vars', 'defaults', 'providers', 'budget', 'prices', 'paths', 'cache', 'references', 'style', 'shots', 'segments', 'film'].sort(),
    );
    expect(Object.keys(schema.properties.film.properties).sort()).toEqual(['segments', 'transition', 'audio', 'size', 'fps', 'output'].sort());
  });
});
