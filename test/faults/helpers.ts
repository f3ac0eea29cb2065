// Fault-suite kit: one CLI build of a small project against the fakes, with its events and the
// checks every fault must pass (no crash, no stack trace, records whole, no key leaked).
import { expect } from 'vitest';
import { events, runCli, type CliResult } from '../cli/helpers.js';
import type { FakeFal } from '../fakes/fal-server.js';
import type { FakeGoogle } from '../fakes/google-server.js';
import { checkRecords, expectNoStack, fakeEnv, filesContaining, GEMINI_KEY } from '../integration/helpers.js';

export interface Outcome extends CliResult {
  events: any[];
  summary: any;
  retries: any[];
  fallbacks: any[];
  failed: any[];
  recorded: string[];
}

export async function buildWith(dir: string, fal?: FakeFal, google?: FakeGoogle, args: string[] = []): Promise<Outcome> {
  const r = await runCli(['-C', dir, 'build', '--json', ...args], { env: fakeEnv(fal, google) });
  const evs = events(r.stdout);
  expectNoStack(r.stderr);
  expectNoStack(r.stdout);
  for (const key of [fal?.key, GEMINI_KEY].filter((k): k is string => Boolean(k))) {
    expect(r.stdout + r.stderr).not.toContain(key);
  }
  const recorded = await checkRecords(dir);
  expect(await filesContaining(dir, [fal?.key ?? GEMINI_KEY, GEMINI_KEY])).toEqual([]);
  return {
    ...r,
    events: evs,
    summary: evs.find((e) => e.type === 'build:done')?.summary,
    retries: evs.filter((e) => e.type === 'node:retry'),
    fallbacks: evs.filter((e) => e.type === 'node:fallback'),
    failed: evs.filter((e) => e.type === 'node:failed'),
    recorded,
  };
}

/** A failed build: exit 1, exactly one node error, the rest as the caller expects. */
export function expectOneNodeError(o: Outcome, node: string, message: RegExp): void {
  expect(o.code, o.stderr).toBe(1);
  expect(o.failed).toHaveLength(1);
  expect(o.failed[0].node).toBe(node);
  expect(o.failed[0].error).toMatch(message);
  expect(o.summary).toMatchObject({ failed: 1 });
}
