// Errors of bad input and their diagnostics (file, line, field, hint): what every layer throws and the CLI prints.

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

export interface Diagnostic {
  file: string;
  line: number;
  /** Undefined where only the line is known (a CSV record). */
  col?: number;
  message: string;
  /** Dotted path of the offending field, e.g. `shots.scene_01.prompt`. */
  field?: string;
  hint?: string;
}
