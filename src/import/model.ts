// What an importer produces before anything is written: the nodes of the new project, with final
// names, and the problems found in the input file, each at its line.
import type { Diagnostic } from '../base/errors.js';

/** An image or folder outside the project text: written as `file:`/`dir:` once placed in the project. */
export interface SourcePath {
  kind: 'file' | 'dir';
  /** Absolute path. */
  abs: string;
}

export interface ImportedNode {
  name: string;
  /** Written as a YAML comment above the node. */
  comment?: string;
  /** Project-file fields as the user would write them (prompts unescaped: the writer escapes `${`). */
  fields: Record<string, unknown>;
  /** A source reference's image or folder. */
  source?: SourcePath;
}

export interface ImportedProject {
  /** Lines of the header comment: where the project came from. */
  origin: string[];
  references: ImportedNode[];
  shots: ImportedNode[];
  segments: ImportedNode[];
}

export type NodeKind = 'reference' | 'shot' | 'segment';

/**
 * Node names: sanitised to what the project file accepts, unique across every section (node names
 * are one namespace, and sanitising folds case: `Keeper` and `keeper` are one name). A name taken
 * by a node of another kind gets that kind's suffix (an image `keeper.png` beside a shot `Keeper`
 * is `keeper_ref`); a name taken within the kind is numbered (`shot_1`, `shot_1_2`).
 */
export interface Names {
  /** A free name made from `wanted` (or `fallback`, itself a valid name, when nothing of it survives). */
  take(wanted: string, fallback: string, kind: NodeKind): string;
}

const SUFFIX: Record<NodeKind, string> = { reference: 'ref', shot: 'shot', segment: 'seg' };

export function createNames(): Names {
  const taken = new Map<string, NodeKind>();
  return {
    take(wanted, fallback, kind) {
      let base = sanitize(wanted) || fallback;
      const holder = taken.get(base);
      if (holder !== undefined && holder !== kind) base = `${base}_${SUFFIX[kind]}`;
      let name = base;
      for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
      taken.set(name, kind);
      return name;
    },
  };
}

/** `Shot 1A (Café)` -> `shot_1a_cafe`: what `^[a-z0-9][a-z0-9_-]*$` accepts, or '' when nothing survives. */
export function sanitize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^[_-]+|_+$/g, '');
}

/** Problems in the input file; `line` 1-based, `col` where known. */
export interface InputReport {
  readonly file: string;
  readonly errors: Diagnostic[];
  readonly warnings: Diagnostic[];
  error(line: number, col: number | undefined, message: string, extra?: { field?: string; hint?: string }): void;
  warn(line: number, col: number | undefined, message: string, extra?: { field?: string; hint?: string }): void;
}

export function createInputReport(file: string): InputReport {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const add = (list: Diagnostic[]) => (line: number, col: number | undefined, message: string, extra: { field?: string; hint?: string } = {}) => {
    const d: Diagnostic = { file, line, message };
    if (col !== undefined) d.col = col;
    if (extra.field) d.field = extra.field;
    if (extra.hint) d.hint = extra.hint;
    list.push(d);
  };
  return { file, errors, warnings, error: add(errors), warn: add(warnings) };
}
