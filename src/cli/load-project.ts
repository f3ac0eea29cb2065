// The project as every command loads it: validated, its warnings printed. Its own module, so a
// command about the project (`validate`, `graph`) does not import the build machinery.
import { loadProject } from '../project/load.js';
import { isAboutRequests } from '../project/report.js';
import type { ResolvedProject } from '../project/types.js';
import { printWarnings, type WarningOutput } from './warnings.js';

/** `requests`: the command plans or sends requests (validate, plan, build, watch), so warnings about what they would send are its business. */
export async function loadAndWarn(dir: string, out: WarningOutput = 'text', opts: { requests?: boolean } = {}): Promise<ResolvedProject> {
  const project = await loadProject(dir);
  printWarnings(opts.requests ? project.warnings : project.warnings.filter((w) => !isAboutRequests(w)), out);
  return project;
}
