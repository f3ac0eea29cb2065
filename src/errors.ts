import type { Diagnostic } from './project/types.js';

/** Bad input from the user (project file, flags, environment): exit 2, nothing written or spent. */
export class UsageError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(message: string, diagnostics: Diagnostic[] = []) {
    super(message);
    this.name = 'UsageError';
    this.diagnostics = diagnostics;
  }
}

export function formatDiagnostic(d: Diagnostic): string {
  const field = d.field ? ` (${d.field})` : '';
  const hint = d.hint ? `\n  hint: ${d.hint}` : '';
  const col = d.col === undefined ? '' : `:${d.col}`;
  return `${d.file}:${d.line}${col}: ${d.message}${field}${hint}`;
}
