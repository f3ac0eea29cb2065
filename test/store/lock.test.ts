import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/base/errors.js';
import { LAYOUT } from '../../src/base/layout.js';
import { acquireBuildLock, LockHeldError } from '../../src/engine/store/lock.js';
import { tempDir } from '../support/project.js';

async function fakeHolder(root: string, pid: number, host = hostname(), startedAt = new Date().toISOString()): Promise<void> {
  await mkdir(join(root, '.aivp'), { recursive: true });
  await writeFile(join(root, LAYOUT.lock), JSON.stringify({ pid, host, startedAt, token: 'other' }));
}

function deadPid(): Promise<number> {
  return new Promise((ok) => {
    const p = spawn(process.execPath, ['-e', '']);
    p.once('exit', () => ok(p.pid!));
  });
}

/** Acquires over the lock in place: the file then names this process with a token of its own, and release removes it. */
async function expectTakenOver(root: string): Promise<void> {
  const release = await acquireBuildLock(root);
  const holder = JSON.parse(await readFile(join(root, LAYOUT.lock), 'utf8'));
  expect(holder).toMatchObject({ pid: process.pid, host: hostname() });
  expect(holder.token).not.toBe('other');
  await release();
  expect(existsSync(join(root, LAYOUT.lock))).toBe(false);
}

describe('build lock', () => {
  it('excludes a second holder until released', async () => {
    const root = await tempDir();
    const release = await acquireBuildLock(root);
    const err = await acquireBuildLock(root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockHeldError);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(new RegExp(`another aivp build is running .*pid ${process.pid}`));
    await release();
    await release();
    const again = await acquireBuildLock(root);
    await again();
  });

  it('refuses while another live process holds the lock and takes it over once that process dies', async () => {
    const root = await tempDir();
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    await new Promise((ok) => holder.once('spawn', ok));
    await fakeHolder(root, holder.pid!);
    await expect(acquireBuildLock(root)).rejects.toThrow(`pid ${holder.pid}`);
    const exited = new Promise((ok) => holder.once('exit', ok));
    holder.kill('SIGKILL');
    await exited;
    const release = await acquireBuildLock(root);
    expect(JSON.parse(await readFile(join(root, LAYOUT.lock), 'utf8')).pid).toBe(process.pid);
    await release();
  });

  it('takes over a lock left by a dead process or a corrupt lock file', async () => {
    const root = await tempDir();
    await fakeHolder(root, await deadPid());
    await expectTakenOver(root);
    await mkdir(join(root, '.aivp'), { recursive: true });
    await writeFile(join(root, LAYOUT.lock), '{"pid":');
    await expectTakenOver(root);
  });

  it('takes over a leftover lock naming this pid (pids repeat across container runs) or older than the boot', async () => {
    const root = await tempDir();
    await fakeHolder(root, process.pid);
    await expectTakenOver(root);
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    await new Promise((ok) => holder.once('spawn', ok));
    try {
      await fakeHolder(root, holder.pid!, hostname(), '1970-01-02T00:00:00.000Z');
      await expectTakenOver(root);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('does not judge a holder on another host, and release leaves a foreign lock alone', async () => {
    const root = await tempDir();
    await fakeHolder(root, await deadPid(), 'some-other-machine');
    await expect(acquireBuildLock(root)).rejects.toThrow(/some-other-machine/);
    const mine = await tempDir();
    const release = await acquireBuildLock(mine);
    await fakeHolder(mine, 1, 'some-other-machine');
    await release();
    expect(JSON.parse(await readFile(join(mine, LAYOUT.lock), 'utf8')).host).toBe('some-other-machine');
  });

  it('lets exactly one of many concurrent contenders win', async () => {
    const root = await tempDir();
    await fakeHolder(root, await deadPid());
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => acquireBuildLock(root)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});
