// Collects errors and warnings with positions; the loader throws them all at once.
import { redact } from '../base/redact.js';
import type { Diagnostic } from '../base/errors.js';
import { locate, locateText, type Path, type Source } from './source.js';

export const PROJECT_FILE = 'aivp.project.yaml';

export interface Where {
  /** Point at the key (default for missing/unknown things) or the value. */
  at?: 'key' | 'value';
  /** Point at this text inside the scalar value. */
  text?: string;
  hint?: string;
  /** About what a build would send (a dropped keyframe, an image a model does not take). */
  request?: boolean;
}

export interface Reporter {
  error(path: Path, message: string, where?: Where): void;
  warn(path: Path, message: string, where?: Where): void;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/**
 * Warnings about what a build would send: validate, plan, build and watch print them; commands
 * that send nothing (gallery, clean, gc, cache) do not. Kept aside, not a field: the JSON outputs
 * that list warnings stay as they are.
 */
const aboutRequests = new WeakSet<Diagnostic>();

export function isAboutRequests(d: Diagnostic): boolean {
  return aboutRequests.has(d);
}

/** `shots.scene_01.refs[0]` */
export function fieldName(path: Path): string {
  return path.reduce<string>((acc, step) => (typeof step === 'number' ? `${acc}[${step}]` : acc ? `${acc}.${step}` : step), '');
}

export function createReporter(source: Source): Reporter {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const seen = new Set<string>();
  const add = (list: Diagnostic[], path: Path, message: string, where: Where = {}) => {
    const pos = where.text ? locateText(source, path, where.text) : locate(source, path, where.at ?? 'value');
    // Messages quote what the user wrote, which may be a key pasted in the wrong place.
    const d: Diagnostic = { file: PROJECT_FILE, line: pos.line, col: pos.col, message: redact(message), field: redact(fieldName(path)) || undefined };
    if (where.hint) d.hint = redact(where.hint);
    const id = `${d.line}:${d.col}:${message}`;
    if (seen.has(id)) return;
    seen.add(id);
    if (where.request) aboutRequests.add(d);
    list.push(d);
  };
  return {
    errors,
    warnings,
    error: (path, message, where) => add(errors, path, message, where),
    warn: (path, message, where) => add(warnings, path, message, where),
  };
}

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || (a.col ?? 0) - (b.col ?? 0);
}
