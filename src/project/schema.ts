// JSON Schema validation of the parsed project, each ajv error mapped to a YAML position.
import { readFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { AJV_OPTIONS } from './schema-options.js';
import { fieldName, type Reporter } from './report.js';
import type { Path } from './source.js';
import { didYouMean } from './suggest.js';

export const SCHEMA_URL = new URL('../../schemas/aivp.project.schema.json', import.meta.url);
/** The `$schema` line of a new project file: the schema copied beside it by `installEditorSchema`. */
export const SCHEMA_LINE = '# yaml-language-server: $schema=./aivp.project.schema.json';

/**
 * The editor schema goes into a new project, so the file's `$schema` line resolves right away on
 * any machine (aivp installed globally, linked, or not in this folder) and for whoever clones it.
 * An existing copy is kept.
 */
export async function installEditorSchema(dir: string): Promise<void> {
  await cp(fileURLToPath(SCHEMA_URL), join(dir, 'aivp.project.schema.json'), { force: false });
}

let compiled: ValidateFunction | undefined;

/** The validator the build precompiled next to this module, else the schema compiled now (running from src). */
function validator(): ValidateFunction {
  if (!compiled) {
    const require = createRequire(import.meta.url);
    try {
      compiled = require('./schema-validator.cjs') as ValidateFunction;
    } catch {
      const Ajv = (require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 }).Ajv2020;
      compiled = new Ajv(AJV_OPTIONS).compile(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')));
    }
  }
  return compiled;
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
};

const PATTERN_WORDS: Record<string, string> = {
  size: 'square, portrait, landscape, WxH (e.g. 1280x720) or W:H (e.g. 16:9)',
  aspect_ratio: 'W:H, e.g. 16:9',
  remote: 's3://bucket or s3://bucket/prefix (endpoint and credentials come from the AWS environment)',
};

/** The film's fields of the same names take other forms. */
const FILM_PATTERN_WORDS: Record<string, string> = {
  size: 'WxH, e.g. 1920x1080',
  transition: 'cut or crossfade, or a mapping like { type: crossfade, duration: 0.5 }',
};

function pathOf(error: ErrorObject): Path {
  return error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** The field's own name for messages: `seed`, or `refs[0]` for a list item. */
function shortName(path: Path): string {
  const last = path.length - 1;
  return typeof path[last] === 'number' ? fieldName(path.slice(-2)) : String(path[last] ?? 'project');
}

/**
 * Validates `data` against the schema. `skip` holds dotted fields already reported elsewhere
 * (key-like fields, the format version) so they are not reported twice.
 */
export function checkSchema(data: unknown, report: Reporter, skip: Set<string>): void {
  const validate = validator();
  if (validate(data)) return;
  for (const error of validate.errors ?? []) {
    const path = pathOf(error);
    if (skip.has(fieldName(subject(error, path)))) continue;
    reportError(error, path, report);
  }
}

/** The field an error is about: the unknown or missing key itself, else the value. */
function subject(error: ErrorObject, path: Path): Path {
  const p = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return [...path, String(p.additionalProperty)];
  if (error.keyword === 'required') return [...path, String(p.missingProperty)];
  if (error.propertyName !== undefined) return [...path, error.propertyName];
  return path;
}

function reportError(error: ErrorObject, path: Path, report: Reporter): void {
  const name = shortName(path);
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const hint = didYouMean(key, allowed) ?? (allowed.length ? `allowed here: ${allowed.join(', ')}` : undefined);
      report.error([...path, key], `unknown field \`${key}\``, { at: 'key', hint });
      return;
    }
    case 'required':
      report.error(path, `missing required field \`${String(p.missingProperty)}\``, { at: 'key' });
      return;
    case 'propertyNames':
      return; // reported through the inner `pattern` error, which names the key
    case 'pattern':
      if (error.propertyName !== undefined) return reportBadName(error.propertyName, path, report);
      report.error(path, `\`${name}\` must be ${(path[0] === 'film' ? FILM_PATTERN_WORDS : PATTERN_WORDS)[name] ?? `of the form ${String(p.pattern)}`}`);
      return;
    case 'type': {
      const types = Array.isArray(p.type) ? ['string'] : [String(p.type)];
      const listHint = types[0] === 'array' && typeof error.data === 'string' ? `write it as a list: [${error.data}]` : undefined;
      report.error(path, `\`${name}\` must be ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}`, { hint: listHint });
      return;
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      report.error(path, `\`${name}\` must be one of: ${allowed.join(', ')}`, {
        hint: typeof error.data === 'string' ? didYouMean(error.data, allowed) : undefined,
      });
      return;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      report.error(path, `\`${name}\` must be ${String(p.comparison)} ${String(p.limit)}`);
      return;
    case 'minItems':
    case 'maxItems':
      if (name === 'keyframes') report.error(path, '`keyframes` needs one or two keyframes (first and last frame)');
      else report.error(path, `\`${name}\` ${error.message ?? 'has the wrong number of items'}`);
      return;
    case 'minLength':
      report.error(path, `\`${name}\` must not be empty`);
      return;
    case 'minProperties':
      report.error(path, `\`${name}\` needs per_image, per_megapixel or per_second`, { at: 'key' });
      return;
    default:
      report.error(path, `\`${name}\` ${error.message ?? 'is invalid'}`);
  }
}

function reportBadName(key: string, path: Path, report: Reporter): void {
  if (path[0] === 'vars') {
    report.error([...path, key], `invalid var name \`${key}\`: use letters, digits, _ and -, not starting with a digit`, { at: 'key' });
    return;
  }
  const fixed = key.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^[_-]+/, '');
  report.error([...path, key], `invalid name \`${key}\`: names use lowercase letters, digits, _ and -, starting with a letter or digit`, {
    at: 'key',
    hint: fixed ? `rename it to \`${fixed}\`` : undefined,
  });
}
