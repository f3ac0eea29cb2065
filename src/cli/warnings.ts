// Validation warnings, printed the one way for every command: stderr lines in text mode, NDJSON
// `warning` events on stdout with --json.
import { formatDiagnostic, type Diagnostic } from '../base/errors.js';
import { jsonRenderer } from './render/json.js';

/** Where a command's validation warnings go: stderr lines, NDJSON events on stdout (--json), or its own output. */
export type WarningOutput = 'text' | 'events' | 'none';

export function printWarnings(warnings: Diagnostic[], out: WarningOutput): void {
  for (const w of warnings) {
    if (out === 'text') process.stderr.write(`${formatDiagnostic({ ...w, message: `warning: ${w.message}` })}\n`);
    else if (out === 'events') jsonRenderer()({ type: 'warning', ...w });
  }
}
