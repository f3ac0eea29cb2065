// `generate`, `edit`, `upload`: the seed scripts' one-off calls, JSON on stdout. The `.env` in the
// folder is read as a build reads it; the key is checked by the one-off runner once the arguments
// are (a bad --size or a missing file is reported as such, not as a missing key).
import { lstatSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../base/errors.js';
import { commandEnv } from '../context/config.js';
import { runEdit, runGenerate, runUpload, type OneOffContext } from '../oneoff/index.js';
import { PROJECT_FILE } from '../project/report.js';

export async function generateCommand(dir: string, o: Record<string, unknown>): Promise<number> {
  const result = await runGenerate(
    {
      prompt: o.prompt as string, model: o.model as string, imageUrl: o.imageUrl as string | undefined,
      file: o.image ? resolve(o.image as string) : undefined, size: o.size as string, numImages: o.numImages as number,
      seed: o.seed as number | undefined, output: o.output ? resolve(o.output as string) : undefined,
    },
    context(dir),
  );
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}

export async function editCommand(dir: string, o: Record<string, unknown>): Promise<number> {
  if (!o.imageUrl && !o.image) throw new UsageError('edit needs --image-url or --file');
  const result = await runEdit(
    {
      prompt: o.prompt as string, model: o.model as string, imageUrl: o.imageUrl as string | undefined,
      file: o.image ? resolve(o.image as string) : undefined, mask: o.mask as string | undefined,
      output: o.output ? resolve(o.output as string) : undefined,
    },
    context(dir),
  );
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}

export async function uploadCommand(dir: string, file: string): Promise<number> {
  const url = await runUpload(resolve(file), context(dir));
  process.stdout.write(`${url}\n`);
  return 0;
}

/** In a project folder, its `.aivp/uploads.json` remembers fal uploads; anywhere else nothing is written for that. */
function context(dir: string): OneOffContext {
  const inProject = lstatSync(join(dir, PROJECT_FILE), { throwIfNoEntry: false })?.isFile() === true;
  return {
    env: commandEnv(dir),
    root: inProject ? dir : undefined,
    onWarning: (message) => process.stderr.write(`aivp: warning: ${message}\n`),
  };
}
