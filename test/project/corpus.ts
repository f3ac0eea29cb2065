// The bad-project corpus under test/fixtures/bad/<case>/: aivp.project.yaml plus expected.json.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ExpectedDiagnostic {
  line: number;
  col: number;
  field?: string;
  /** A substring of the message. */
  message: string;
  /** The whole hint, when the case is about it. */
  hint?: string;
}

export interface Expected {
  /** When present, exactly this many errors. */
  total?: number;
  errors: ExpectedDiagnostic[];
}

export const BAD_DIR = fileURLToPath(new URL('../fixtures/bad/', import.meta.url));
export const badCases = (): string[] => readdirSync(BAD_DIR).sort();
export const expectedOf = (name: string): Expected => JSON.parse(readFileSync(join(BAD_DIR, name, 'expected.json'), 'utf8'));
