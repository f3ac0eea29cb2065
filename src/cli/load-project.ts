// The project as every command loads it: validated, its warnings printed. Its own module, so a
// command about the project (`validate`, `graph`) does not import the build machinery.
import { loadProject } from '../project/load.js';
import type { ResolvedProject } from '../project/types.js';
import { printWarnings, type WarningOutput } from './warnings.js';

export async function loadAndWarn(dir: string, out: WarningOutput = 'text'): Promise<ResolvedProject> {
  const project = await loadProject(dir);
  printWarnings(project.warnings, out);
  return project;
}
