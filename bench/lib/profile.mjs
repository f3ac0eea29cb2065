// CPU profile of one CLI run (node --cpu-prof), summarised as self time by module and top frames,
// so the report names where the time goes instead of guessing.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { CLI, cliEnv, exec, REPO, removeDir, tempDir } from './util.mjs';

export async function profileCli(dir, args, { top = 12, env } = {}) {
  const out = await tempDir('prof');
  try {
    const r = await exec(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${out}`, CLI, '-C', dir, ...args], { env: cliEnv(env) });
    if (r.code !== 0) throw new Error(`profiled run exited ${r.code}: ${r.stderr.slice(-1000)}`);
    const [file] = (await readdir(out)).filter((f) => f.endsWith('.cpuprofile'));
    return summarise(JSON.parse(await readFile(join(out, file), 'utf8')), top);
  } finally {
    await removeDir(out);
  }
}

function summarise(profile, top) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const totalMs = [...self.values()].reduce((a, b) => a + b, 0);
  const modules = new Map();
  const frames = new Map();
  for (const [id, t] of self) {
    const { callFrame: f } = byId.get(id);
    const mod = moduleOf(f.url, f.functionName);
    modules.set(mod, (modules.get(mod) ?? 0) + t);
    const frame = `${f.functionName || '(anonymous)'} ${where(f)}`;
    frames.set(frame, (frames.get(frame) ?? 0) + t);
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, t]) => ({ name, ms: t }));
  return { totalMs, modules: sorted(modules), frames: sorted(frames) };
}

/** A package name, a file of the app, node internals, or the VM's own buckets (GC, idle, program). */
function moduleOf(url, fn) {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = path.slice(nm + 13).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (path.startsWith('node:')) return 'node internals';
  return relative(REPO, path);
}

function where(f) {
  if (!f.url) return '';
  const path = f.url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  const short = nm >= 0 ? path.slice(nm + 13) : path.startsWith('node:') ? path : relative(REPO, path);
  return `(${short}:${f.lineNumber + 1})`;
}

export function profileMarkdown(p) {
  const pct = (t) => `${((t / p.totalMs) * 100).toFixed(0)}%`;
  return [
    `Self time by module (${p.totalMs.toFixed(0)} ms sampled):`,
    '',
    ...p.modules.map((m) => `- ${m.name}: ${m.ms.toFixed(0)} ms (${pct(m.ms)})`),
    '',
    'Top frames by self time:',
    '',
    ...p.frames.map((f) => `- \`${f.name}\`: ${f.ms.toFixed(0)} ms`),
  ].join('\n');
}
