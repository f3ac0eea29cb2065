// `--json`: every build event as one line of NDJSON on stdout.
import type { BuildListener } from '../../engine/events.js';

export function jsonRenderer(write: (line: string) => void = (l) => process.stdout.write(l)): BuildListener {
  return (event) => write(`${JSON.stringify(event)}\n`);
}
