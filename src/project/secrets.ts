// Key-like fields: the project file is committed, so credentials belong in the environment or `.env`.
import { keyShapeIn } from '../base/redact.js';
import type { Path } from './source.js';
import { PROVIDERS } from '../providers/registry.js';

const ALWAYS = /^(api[_-]?key|apikey|password|passwd|secret|token|credentials?)$/i;
const SUFFIX = /[_-](token|secret|password|passwd|credentials?)$/i;
const KEY_SUFFIX = /[_-]key$/i;
/** `*_key` names that are credentials whatever their value. */
const CREDENTIAL_KEY = /^(api|access|secret|private|auth|client|service|account|session|bearer|master|fal|gemini|google|openai|imagerouter|stability|replicate|vertex)[_-]?key$/i;
/** A value that looks like a credential: long, no spaces, letters and digits. */
const CREDENTIAL_VALUE = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_\-:.\/+=]{16,}$/;

export function isKeyLike(name: string, value: unknown): boolean {
  if (ALWAYS.test(name) || SUFFIX.test(name) || CREDENTIAL_KEY.test(name)) return true;
  return KEY_SUFFIX.test(name) && typeof value === 'string' && CREDENTIAL_VALUE.test(value);
}

export interface KeyFindings {
  /** Key-like fields (`api_key: …`) anywhere in the document. */
  fields: Path[];
  /** String values that contain a credential (a prompt, a var), with what it looks like; not those under a key-like field. */
  values: { path: Path; what: string }[];
}

/** One pass over the document for both kinds of pasted credential. */
export function findKeys(data: unknown): KeyFindings {
  const found: KeyFindings = { fields: [], values: [] };
  walk(data, [], (path, key, value) => {
    if (key !== undefined && isKeyLike(String(key), value)) {
      found.fields.push([...path]);
      return true;
    }
    const what = typeof value === 'string' ? keyShapeIn(value) : undefined;
    if (what) found.values.push({ path: [...path], what });
    return false;
  });
  return found;
}

/**
 * Every value with its path, depth first; `visit` returning true skips what is below. One path
 * array is reused (copied only for a hit): a 10,000-shot file has some 100,000 values.
 */
function walk(value: unknown, path: Path, visit: (path: Path, key: string | number | undefined, value: unknown) => boolean): void {
  if (visit(path, path[path.length - 1], value) || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(value[i], path, visit);
      path.pop();
    }
    return;
  }
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    path.push(k);
    walk((value as Record<string, unknown>)[k], path, visit);
    path.pop();
  }
}

export const KEY_MESSAGE_HINT = `set the provider key (${PROVIDERS.flatMap((p) => p.keyVars.slice(0, 1)).join(', ')}) in the environment or in a \`.env\` file next to the project`;
