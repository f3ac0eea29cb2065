// Key-like fields: the project file is committed, so credentials belong in the environment or `.env`.
import { keyShapeIn } from '../redact.js';
import type { Path } from './source.js';

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

/** Paths of every key-like field anywhere in the document. */
export function findKeyLikeFields(data: unknown, path: Path = []): Path[] {
  if (Array.isArray(data)) return data.flatMap((item, i) => findKeyLikeFields(item, [...path, i]));
  if (data === null || typeof data !== 'object') return [];
  return Object.entries(data).flatMap(([key, value]) =>
    isKeyLike(key, value) ? [[...path, key]] : findKeyLikeFields(value, [...path, key]),
  );
}

/** Paths of string values that contain a credential (a prompt, a var), with what it looks like. */
export function findKeyValues(data: unknown, path: Path = []): { path: Path; what: string }[] {
  if (typeof data === 'string') {
    const what = keyShapeIn(data);
    return what ? [{ path, what }] : [];
  }
  if (Array.isArray(data)) return data.flatMap((item, i) => findKeyValues(item, [...path, i]));
  if (data === null || typeof data !== 'object') return [];
  return Object.entries(data).flatMap(([key, value]) => findKeyValues(value, [...path, key]));
}

export const KEY_MESSAGE_HINT = 'set FAL_KEY, GEMINI_API_KEY or GOOGLE_API_KEY in the environment or in a `.env` file next to the project';
