// The fuzz run: generated cases through a pool of worker processes (worker.mjs), each case under a
// timeout: a worker that exceeds it is a hang, killed and replaced; one that dies (out of memory,
// say) is a crash. Shared by the bounded run in `npm test` (test/fuzz/fuzz.test.ts) and
// the long one, `npm run fuzz` (bench/fuzz.mjs).
import { fork, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { fuzzRoot, type DraftOutcome, type Outcome } from './case.js';
import { fuzzCase, REGRESSIONS } from './generate.js';

export interface FuzzOptions {
  seed: number;
  cases: number;
  workers: number;
  timeoutMs: number;
  /** Draft-build every `every`-th small accepted file, at most `limit` of them. */
  draft: { limit: number; every: number; timeoutMs: number };
  /** Take no new case after this long (the bounded run in `npm test`): the cases run are a prefix of the same sequence. */
  deadlineMs?: number;
  /** Run the known-crash regressions first (default true). */
  regressions?: boolean;
  /** The module whose `runCase` and `draftCase` the workers call (default case.ts; tests swap in probes). */
  entry?: string;
  onProgress?(report: FuzzReport): void;
}

export interface Finding {
  kind: 'crash' | 'hang' | 'draft';
  /** How to make the case again: `seed S case I`, or the regression's name. */
  label: string;
  stage: string;
  error: string;
  text: string;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  done: number;
  accepted: number;
  rejected: number;
  crashes: number;
  /** Crashes after the loader accepted the file (graph, plan, build on the in-memory workspace, view). */
  unplanned: number;
  hangs: number;
  /** Accepted files that were not drafted although small (a draft build that failed). */
  draftFailures: number;
  drafted: number;
  draftedImages: number;
  /** Largest accepted project, in graph nodes. */
  maxNodes: number;
  /** Rejections whose error carried no diagnostic (file, line, field). */
  bareRejections: number;
  restarts: number;
  elapsedMs: number;
  /** Crashes and hangs by kind (stage, error, first frame in src/): count and the first case. */
  kinds: Record<string, { count: number; first: string }>;
  /** The first few of each kind, with their text. */
  findings: Finding[];
}

/** What tells one bug from another: the stage, the error's first line and where in src/ it was thrown. */
export function signature(f: Pick<Finding, 'kind' | 'stage' | 'error'>): string {
  const lines = f.error.split('\n');
  const frame = lines.find((l) => /\/src\//.test(l))?.trim().replace(/^at /, '').replace(/\(?[^()]*\/src\//, '(src/').replace(/(:\d+)+\)?$/, ')');
  return `${f.kind} in ${f.stage}: ${lines[0]!.slice(0, 120)}${frame ? ` at ${frame}` : ''}`;
}

interface Job {
  label: string;
  /** A fixed text, or a generated case (made in the worker, again here only for a finding). */
  text?: string;
  generated?: { seed: number; index: number };
  job: 'runCase' | 'runGenerated' | 'draftCase';
  timeoutMs: number;
}

const textOf = (job: Job): string => job.text ?? fuzzCase(job.generated!.seed, job.generated!.index);

const KEEP_FINDINGS = 10;
const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));
const CASE = fileURLToPath(new URL('./case.ts', import.meta.url));

type Answer = { outcome?: Outcome | DraftOutcome; died?: string; hang?: true };

/**
 * A worker process that runs one job at a time, replaced when it hangs or dies. A process, not a
 * thread: an allocation V8 cannot satisfy is fatal to the whole process, and must not end the run.
 */
class Slot {
  private worker!: ChildProcess;
  private pending?: (r: Answer) => void;
  /** The end of the worker's stderr: what a dying worker said (V8's out-of-memory report). */
  private stderr = '';
  restarts = -1;

  constructor(private readonly entry: string) {}

  async start(): Promise<void> {
    this.restarts++;
    // Node's default stack, as the CLI has it, so a deep file overflows where it would for a user.
    const worker = fork(WORKER, [this.entry], { execArgv: ['--max-old-space-size=1024'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    this.worker = worker;
    this.stderr = '';
    worker.stderr!.on('data', (c: Buffer) => void (this.stderr = (this.stderr + c.toString()).slice(-4000)));
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('exit', (code) => reject(new Error(`the fuzz worker did not start (exit ${code}):\n${this.stderr}`)));
    });
    worker.removeAllListeners('exit');
    worker.on('message', (m: { outcome: Outcome | DraftOutcome }) => this.settle({ outcome: m.outcome }));
    worker.on('exit', (code, signal) => this.settle({ died: `the worker process exited (${signal ?? `code ${code}`}):\n${this.stderr.trim().split('\n').slice(-12).join('\n')}` }));
  }

  private settle(r: Answer): void {
    const p = this.pending;
    this.pending = undefined;
    p?.(r);
  }

  /** The job's outcome, or a hang (killed and replaced) or the worker's death (replaced). */
  async run(job: Job, root: string): Promise<Outcome | DraftOutcome | { verdict: 'hang' }> {
    let timer: NodeJS.Timeout | undefined;
    const r = await new Promise<Answer>((resolve) => {
      this.pending = resolve;
      timer = setTimeout(() => this.settle({ hang: true }), job.timeoutMs);
      const args = job.generated ? [job.generated.seed, job.generated.index, root] : [job.text, root];
      this.worker.send({ job: job.job, args });
    }).finally(() => clearTimeout(timer));
    if (r.outcome) return r.outcome;
    await this.stop();
    await this.start();
    return r.hang ? { verdict: 'hang' } : { verdict: 'crash', stage: 'worker', error: r.died! };
  }

  async stop(): Promise<void> {
    const w = this.worker;
    w.removeAllListeners('exit');
    if (w.exitCode === null && w.signalCode === null) {
      const exited = new Promise((resolve) => w.once('exit', resolve));
      w.kill('SIGKILL');
      await exited;
    }
  }
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const report: FuzzReport = {
    seed: opts.seed, cases: opts.cases, done: 0, accepted: 0, rejected: 0, crashes: 0, unplanned: 0, hangs: 0, draftFailures: 0, drafted: 0,
    draftedImages: 0, maxNodes: 0, bareRejections: 0, restarts: 0, elapsedMs: 0, kinds: {}, findings: [],
  };
  const queue: Job[] = (opts.regressions ?? true) ? REGRESSIONS.map((c) => ({ label: c.name, text: c.text, job: 'runCase', timeoutMs: opts.timeoutMs })) : [];
  report.cases += queue.length;
  let next = 0;
  let small = 0;
  let drafts = 0;
  const take = (): Job | undefined => {
    const queued = queue.shift();
    if (queued) return queued;
    if (next >= opts.cases || Date.now() - started > (opts.deadlineMs ?? Infinity)) return undefined;
    const i = next++;
    return { label: `seed ${opts.seed} case ${i}`, generated: { seed: opts.seed, index: i }, job: 'runGenerated', timeoutMs: opts.timeoutMs };
  };
  const find = (job: Job, f: Pick<Finding, 'kind' | 'stage' | 'error'>) => {
    const kind = (report.kinds[signature(f)] ??= { count: 0, first: job.label });
    kind.count++;
    if (report.findings.filter((x) => x.kind === f.kind).length < KEEP_FINDINGS) report.findings.push({ ...f, label: job.label, text: textOf(job) });
  };

  const root = await fuzzRoot();
  const slots = Array.from({ length: opts.workers }, () => new Slot(opts.entry ?? CASE));
  try {
    await Promise.all(slots.map((s) => s.start()));
    await Promise.all(
      slots.map(async (slot) => {
        for (let job = take(); job; job = take()) {
          const out = await slot.run(job, root);
          if (job.job === 'draftCase') {
            if (out.verdict === 'drafted') {
              report.drafted++;
              report.draftedImages += out.images;
            } else {
              report.draftFailures++;
              find(job, { kind: 'draft', stage: 'stage' in out ? out.stage : 'draft build', error: 'error' in out ? out.error : `no answer in ${job.timeoutMs} ms` });
            }
            continue;
          }
          report.done++;
          if (out.verdict === 'rejected') {
            report.rejected++;
            if (out.diagnostics === 0) report.bareRejections++;
          } else if (out.verdict === 'accepted') {
            report.accepted++;
            report.maxNodes = Math.max(report.maxNodes, out.nodes);
            if (out.small && small++ % opts.draft.every === 0 && drafts < opts.draft.limit) {
              drafts++;
              queue.push({ label: `${job.label} (draft)`, text: textOf(job), job: 'draftCase', timeoutMs: opts.draft.timeoutMs });
            }
          } else if (out.verdict === 'hang') {
            report.hangs++;
            find(job, { kind: 'hang', stage: 'any', error: `no answer in ${job.timeoutMs} ms` });
          } else if (out.verdict === 'crash') {
            report.crashes++;
            if (out.stage !== 'load' && out.stage !== 'worker') report.unplanned++;
            find(job, { kind: 'crash', stage: out.stage, error: out.error });
          }
          if (report.done % 500 === 0) opts.onProgress?.({ ...report, elapsedMs: Date.now() - started });
        }
      }),
    );
  } finally {
    report.restarts = slots.reduce((s, x) => s + Math.max(0, x.restarts), 0);
    await Promise.all(slots.map((s) => s.stop()));
    await rm(root, { recursive: true, force: true });
  }
  report.elapsedMs = Date.now() - started;
  return report;
}

/** A finding as a reader reproduces it: what, where, the error, and the file. */
export function formatFinding(f: Finding): string {
  const text = f.text.length > 2000 ? `${f.text.slice(0, 2000)}\n… (${f.text.length} characters)` : f.text;
  const stack = f.error.split('\n').filter((l, i, all) => l !== all[i - 1]).slice(0, 12);
  return `${f.kind} in ${f.stage}, ${f.label}:\n${stack.join('\n')}\n--- the project file ---\n${text}\n---`;
}
