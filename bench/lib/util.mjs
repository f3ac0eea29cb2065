// Shared bench plumbing: paths, machine facts, statistics, timed child processes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(REPO, 'dist', 'cli', 'main.js');
export const QUICK = process.env.BENCH_QUICK === '1';
const TIME = '/usr/bin/time';
export const HAVE_TIME = existsSync(TIME);

export function ensureBuilt() {
  if (existsSync(CLI)) return;
  const r = spawnSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'inherit' });
  if (!existsSync(CLI)) throw new Error(`npm run build did not produce ${CLI} (exit ${r.status})`);
}

export function machine() {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile. */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
export const ratio = (a, b) => `${(a / b).toFixed(2)}x`;

export async function tempDir(tag) {
  return mkdtemp(join(tmpdir(), `aivp-bench-${tag}-`));
}

export async function removeDir(dir) {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Runs a command to completion; wall time in ms measured here, peak RSS in MB from
 * /usr/bin/time when present (its own fork adds the same small constant to every contestant).
 */
export async function timed(cmd, args, { cwd, env, okCodes = [0] } = {}) {
  const rssFile = join(tmpdir(), `aivp-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const [file, argv] = HAVE_TIME ? [TIME, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const { code, stdout, stderr } = await exec(file, argv, { cwd, env });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  let rssMb;
  if (HAVE_TIME) {
    const text = await readFile(rssFile, 'utf8').catch(() => '');
    await rm(rssFile, { force: true });
    const kb = Number(text.trim().split('\n').pop());
    if (Number.isFinite(kb)) rssMb = kb / 1024;
  }
  if (!okCodes.includes(code)) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${code}\n${stderr.slice(-2000)}`);
  }
  return { wallMs, rssMb, code, stdout, stderr };
}

export function exec(file, args, { cwd, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}

/** `aivp` with a clean environment for the build: no colour, no CI detection surprises. */
export function cliEnv(extra = {}) {
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.FAL_KEY;
  delete env.AIVP_FAL_PROXY_URL;
  return { ...env, ...extra };
}

export function runCli(dir, args, opts = {}) {
  return timed(process.execPath, [CLI, '-C', dir, ...args], { env: cliEnv(opts.env), okCodes: opts.okCodes });
}

/** NDJSON lines -> events. */
export function events(stdout) {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

export function summaryOf(stdout) {
  const done = events(stdout).find((e) => e.type === 'build:done');
  if (!done) throw new Error(`no build:done event in output:\n${stdout.slice(-1000)}`);
  return done.summary;
}

/** Median of `runs` timings of fn (after `warmup` untimed calls); fn returns a timed() result. */
export async function sample(fn, { runs, warmup = 1 }) {
  for (let i = 0; i < warmup; i++) await fn();
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await fn());
  return {
    wallMs: median(results.map((r) => r.wallMs)),
    rssMb: results[0].rssMb === undefined ? undefined : Math.max(...results.map((r) => r.rssMb)),
    runs,
    last: results.at(-1),
  };
}

export function table(head, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
