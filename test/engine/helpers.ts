// Engine test kit: a scripted in-process provider that counts calls, one-call builds.
import { prepareBuild, type PrepareOptions } from '../../src/engine/build.js';
import type { BuildEvent } from '../../src/engine/events.js';
import { executeBuild } from '../../src/engine/execute.js';
import { loadProject } from '../../src/project/load.js';
import type { GenerateContext, GenerateRequest, GenerateResult, Provider } from '../../src/providers/types.js';
import { makeImage } from '../support/images.js';

export interface Call {
  node: string;
  model: string;
  prompt?: string;
  inputs: string[];
  resume?: string;
}

export interface ScriptedProvider extends Provider {
  calls: Call[];
  /** Optional behaviour per call; default: a PNG whose colour follows prompt, seed and input hashes. */
  script?: (req: GenerateRequest, ctx: GenerateContext, n: number) => Promise<GenerateResult | undefined>;
}

export function scriptedProvider(): ScriptedProvider {
  const p: ScriptedProvider = {
    id: 'fal',
    calls: [],
    async generate(req, ctx) {
      const inputs = [req.input, ...req.refs, req.mask, ...req.keyframes].filter((x) => x !== undefined).map((x) => x!.sha256);
      p.calls.push({ node: req.node, model: req.model.id, prompt: req.prompt, inputs, resume: ctx.resume });
      const scripted = await p.script?.(req, ctx, p.calls.length);
      if (scripted) return scripted;
      const files = [];
      for (let i = 0; i < req.numImages; i++) {
        files.push({ bytes: await makeImage({ seed: `${req.model.id}|${req.prompt}|${req.seed}|${inputs.join(',')}|${i}` }) });
      }
      return { files, seed: req.seed ?? 42, requestId: `req-${p.calls.length}`, costUsd: 0.01 };
    },
  };
  return p;
}

export interface RunResult {
  events: BuildEvent[];
  summary: Extract<BuildEvent, { type: 'build:done' }>['summary'];
  plan: Awaited<ReturnType<typeof prepareBuild>>['plan'];
  /** Bytes the stat cache had to hash during plan and build. */
  hashedBytes: number;
}

export async function build(
  dir: string,
  provider: Provider,
  opts: PrepareOptions & { keepGoing?: boolean; signal?: AbortSignal; jobs?: number } = {},
): Promise<RunResult> {
  const project = await loadProject(dir);
  const prepared = await prepareBuild(project, opts);
  const events: BuildEvent[] = [];
  const summary = await executeBuild({
    prepared,
    providers: () => provider,
    keepGoing: opts.keepGoing,
    jobs: opts.jobs,
    signal: opts.signal ?? new AbortController().signal,
    emit: (e) => events.push(e),
    retryBaseMs: 1,
  });
  return { events, summary, plan: prepared.plan, hashedBytes: prepared.ws.hashedBytes() };
}
