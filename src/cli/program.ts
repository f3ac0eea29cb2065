// argv -> calls. Every command's work lives in its own module; this file only maps flags and
// turns errors into exit codes (2 usage/validation, 1 a node failed, 130 interrupted).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { formatDiagnostic, UsageError } from '../base/errors.js';
import { redact } from '../base/redact.js';
import { LAYOUT } from '../base/layout.js';

// Command modules load on demand: `aivp plan` never pays for the SDKs, sharp or chokidar.
const builds = () => import('./build-command.js');
const projects = () => import('./project-commands.js');
const live = () => import('./live-commands.js');
const oneoffs = () => import('./oneoff-commands.js');
const imports = () => import('./import-command.js');
const caches = () => import('./cache-commands.js');

const program = new Command();
const dir = () => resolve(program.opts<{ dir?: string }>().dir ?? '.');

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}
function wholeNumber(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}
function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number');
  return n;
}
function usd(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected an amount in USD, like 5 or 2.50');
  return n;
}

program
  .name('aivp')
  .description('make for AI video keyframes: build references, keyframes and video segments from aivp.project.yaml')
  .version((createRequire(import.meta.url)('../../package.json') as { version: string }).version)
  .option('-C, --dir <dir>', 'run as if started in <dir>')
  .showHelpAfterError()
  .exitOverride();

program
  .command('init [dir]')
  .description('create a starter project from a template')
  .option('-t, --template <name>', 'template name (see --list)', 'short-film')
  .option('--list', 'list the templates')
  .action(async (target, o) => run(async () => (await projects()).initCommand(resolve(dir(), target ?? '.'), o)));

program.command('validate').description('check the project file; print every error as file:line:col')
  .action(async () => run(async () => (await projects()).validateCommand(dir())));

program
  .command('plan [targets...]')
  .description('show what a build would generate, why, and what it would cost')
  .option('--draft', 'plan a draft build (offline renderer for every node)')
  .option('--json', 'print the plan as JSON')
  .action(async (targets, o) => run(async () => (await builds()).planCommand(dir(), targets, o)));

program
  .command('build [targets...]')
  .description('generate what is stale (targets are names or globs and bring their dependencies)')
  .option('--draft', 'use the offline draft renderer for every node: no key, no network, no cost')
  .option('--force [ids...]', 'regenerate these nodes (all selected nodes when no id is given), even when up to date or hand-edited')
  .option('-j, --jobs <n>', 'at most n generations at once', positiveInt)
  .option('-k, --keep-going', 'after a failure, keep building everything that does not depend on it')
  .option('--budget <usd>', 'refuse the build when its estimate exceeds this', usd)
  .option('--json', 'print build events as NDJSON')
  .action(async (targets, o) => run(async () => (await builds()).buildCommand(dir(), targets, o)));

program
  .command('watch [targets...]')
  .description('rebuild on every change to the project file, .env and referenced files')
  .option('--draft', 'use the offline draft renderer for every node')
  .addOption(new Option('--serve [port]', 'serve the live gallery on 127.0.0.1 (any free port when none is given)').argParser(port))
  .option('--json', 'print build events as NDJSON')
  .action(async (targets, o) => run(async () => (await live()).watchCommand(dir(), targets, o)));

program
  .command('graph')
  .description('print the dependency graph')
  .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot', 'json']).default('mermaid'))
  .action(async (o) => run(async () => (await projects()).graphCommand(dir(), o.format)));

program
  .command('gallery')
  .description('write a static HTML storyboard of the project')
  .option('--out <dir>', 'output folder', LAYOUT.gallery)
  .option('--draft', 'show statuses against the draft outputs (after `aivp build --draft`)')
  .action(async (o) => run(async () => (await live()).galleryCommand(dir(), o.out, o.draft)));

program.command('clean').description('remove outputs and records of nodes no longer in the project')
  .option('-y, --yes', 'do not ask for confirmation')
  .action(async (o) => run(async () => (await projects()).cleanCommand(dir(), o)));

program.command('gc').description('prune the content cache, keeping what any record references (asks first)')
  .option('-y, --yes', 'do not ask for confirmation')
  .action(async (o) => run(async () => (await projects()).gcCommand(dir(), o)));

const cache = program.command('cache').description('the team cache on S3-compatible storage (cache.remote / AIVP_CACHE_REMOTE)');
cache.command('status').description("what the team cache holds for this project's nodes")
  .option('--json', 'print the states as JSON')
  .action(async (o) => run(async () => (await caches()).cacheStatusCommand(dir(), o)));
cache.command('push').description('upload every recorded output the team cache lacks (seeds it from an existing project)')
  .action(async () => run(async () => (await caches()).cachePushCommand(dir())));
cache.command('pull').description('fetch every output the project needs into the local cache (for offline work)')
  .action(async () => run(async () => (await caches()).cachePullCommand(dir())));

program
  .command('import')
  .description('make a project from a ttv-pipeline prompt file (ttv) or a shot list (csv)')
  .addArgument(new Argument('<format>', 'what FILE is').choices(['ttv', 'csv']))
  .argument('<file>', 'the prompt file (JSON) or shot list (CSV)')
  .option('--out <dir>', 'project folder to write aivp.project.yaml into (default: the current folder, or -C)')
  .option('--force', 'replace an existing aivp.project.yaml')
  .option('--initial-image <path>', 'ttv: the start image (default: provided_start_image.png beside FILE, else generated)')
  .option('--references <dir>', 'ttv: a folder of reference images handed to every keyframe')
  .action(async (format, file, o) => run(async () => (await imports()).importCommand(dir(), format, file, o)));

program
  .command('generate')
  .description('one-off image generation, routed by model id like a build (prints {"images":[{url,width,height}]})')
  .requiredOption('-p, --prompt <text>', 'text description')
  .option('-m, --model <id>', 'model id', 'fal-ai/nano-banana-pro')
  .option('--image-url <url>', 'input image URL for image-to-image')
  .option('--file, --image <path>', 'local input image (uploaded to fal; sent inline to other providers)')
  .option('--size <size>', 'square, portrait, landscape, WxH or W:H', 'landscape')
  .option('--num-images <n>', 'number of images', positiveInt, 1)
  .option('--seed <n>', 'random seed', wholeNumber)
  .option('-o, --output <path>', 'save to this path (several images: name_1.ext, name_2.ext, ...); providers that answer bytes save to ./aivp-<time>.<ext> without it')
  .action(async (o) => run(async () => (await oneoffs()).generateCommand(dir(), o)));

program
  .command('edit')
  .description('one-off image edit, routed by model id (style transfer, inpainting, background removal)')
  .requiredOption('-p, --prompt <text>', 'what to change')
  .option('--image-url <url>', 'image URL to edit')
  .option('--file, --image <path>', 'local image to edit (uploaded)')
  .option('-m, --model <id>', 'model id', 'fal-ai/nano-banana-pro/edit')
  .option('--mask <path>', 'mask image for inpainting (local path or URL)')
  .option('-o, --output <path>', 'save to this path')
  .action(async (o) => run(async () => (await oneoffs()).editCommand(dir(), o)));

program
  .command('models')
  .description('list the model table: what each model takes, its price and whether it is still served')
  .option('--json', 'print one JSON object per model, a line each')
  .option('--provider <id>', 'only this provider (fal, google, openai, imagerouter, stability)')
  .addOption(new Option('--media <media>', 'only image or video models').choices(['image', 'video']))
  .addOption(new Option('--task <task>', 'only this task').choices(['t2i', 'edit', 'i2i', 'inpaint', 'upscale', 't2v', 'i2v', 'flf2v', 'r2v', 'tts', 'music', 'sfx']))
  .action(async (o) => run(async () => (await import('./models-command.js')).modelsCommand(o)));

program.command('upload <file>').description('upload a local file to fal storage and print its URL (cached by content)')
  .action(async (file) => run(async () => (await oneoffs()).uploadCommand(dir(), file)));

async function run(fn: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await fn();
  } catch (err) {
    process.exitCode = report(err);
  }
}

function report(err: unknown): number {
  if (err instanceof UsageError) {
    for (const d of err.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    if (err.message) process.stderr.write(`aivp: ${redact(err.message)}\n`);
    return 2;
  }
  process.stderr.write(`aivp: ${redact((err as Error).message ?? String(err))}\n`);
  if (process.env.AIVP_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
  return 1;
}

try {
  await program.parseAsync();
} catch (err) {
  const { code, exitCode } = err as { code?: string; exitCode?: number };
  // A bare `aivp` prints the help to stderr with a non-zero code: a usage error (2), as for any other.
  if (code === 'commander.helpDisplayed' || code === 'commander.version' || (code === 'commander.help' && exitCode === 0)) process.exitCode = 0;
  else if (code?.startsWith('commander.')) process.exitCode = 2;
  else process.exitCode = report(err);
}
