// No key to a stranger: a `.env` that came with the files (git tracks it, or it is in no git work
// tree) may not choose where requests and keys go or what runs; the user's shell and the user's own
// (untracked) `.env` may.
import { existsSync } from 'node:fs';
import { chmod, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeFal, type FakeFal } from '../fakes/fal-server.js';
import { startFakeGoogle, type FakeGoogle } from '../fakes/google-server.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-server.js';
import { startS3, type FakeS3 } from '../fakes/s3-server.js';
import { gitInit, tempDir, tempProject } from '../support/project.js';
import { cleanEnv, runCli, type CliResult } from './helpers.js';

let fal: FakeFal;
let openai: FakeOpenAI;
let google: FakeGoogle;
beforeEach(async () => {
  [fal, openai, google] = await Promise.all([startFakeFal(), startFakeOpenAI(), startFakeGoogle()]);
});
afterEach(() => Promise.all([fal.close(), openai.close(), google.close()]).then(() => undefined));

const sent = () => fal.requests.length + openai.requests.length + google.requests.length;

const shot = (model: string) => `aivp: 1\nshots:\n  s: { prompt: "a harbour", model: ${model}, seed: 1 }\n`;
const OPENAI_PROJECT = shot('gpt-image-2');
const FAL_PROJECT = shot('fal-ai/flux/dev');
const GOOGLE_PROJECT = shot('gemini-3.1-flash-image');
// Dummy AWS settings, so a developer's own can never be used (the stranger is the fake fal server).
const AWS = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret-test', AWS_REGION: 'us-east-1' };

const dotenv = (vars: Record<string, string>) => Object.entries(vars).map(([k, v]) => `${k}=${v}\n`).join('');

/** A project whose `.env` came with the repository: committed, as in a fresh clone. */
async function clone(yaml: string, env: Record<string, string>): Promise<string> {
  const dir = await tempProject(yaml, { '.env': dotenv(env) });
  gitInit(dir, ['aivp.project.yaml', '.env']);
  return dir;
}

interface Case {
  name: string;
  yaml: string;
  /** What the committed `.env` sets: the variable under test, pointed at a fake (a stranger). */
  dotenv(): Record<string, string>;
  /** The user's shell: keys and anything else the build needs to go ahead. */
  shell(): Record<string, string>;
  args?: string[];
}

const REFUSED: Case[] = [
  { name: 'OPENAI_BASE_URL', yaml: OPENAI_PROJECT, dotenv: () => ({ OPENAI_BASE_URL: openai.openaiUrl }), shell: () => ({ OPENAI_API_KEY: 'sk-user' }) },
  { name: 'AIVP_FAL_PROXY_URL', yaml: FAL_PROJECT, dotenv: () => ({ AIVP_FAL_PROXY_URL: fal.env().AIVP_FAL_PROXY_URL }), shell: () => ({ FAL_KEY: 'fal-user' }) },
  { name: 'GOOGLE_GEMINI_BASE_URL', yaml: GOOGLE_PROJECT, dotenv: () => ({ GOOGLE_GEMINI_BASE_URL: google.url }), shell: () => ({ GEMINI_API_KEY: 'gem-user' }) },
  // The team cache's store: the SDK would send a signed request (and the build go on to fal).
  {
    name: 'AWS_ENDPOINT_URL', yaml: `${FAL_PROJECT}cache:\n  remote: s3://team/x\n`,
    dotenv: () => ({ AWS_ENDPOINT_URL: fal.url }), shell: () => ({ ...fal.env(), ...AWS }),
  },
  // The bucket: the user's own store, but a location the repository chose.
  {
    name: 'AIVP_CACHE_REMOTE', yaml: FAL_PROJECT,
    dotenv: () => ({ AIVP_CACHE_REMOTE: 's3://team/x' }), shell: () => ({ ...fal.env(), ...AWS, AWS_ENDPOINT_URL: fal.url }),
  },
];

async function expectRefused(r: CliResult, dir: string, name: string, before: string[]): Promise<void> {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain(`sets ${name}`);
  expect(r.stderr).toContain(`set ${name} in your shell instead (export ${name}=...)`);
  expect(sent()).toBe(0);
  expect((await readdir(dir)).sort()).toEqual(before);
}

describe('a committed .env', () => {
  it.each(REFUSED)('choosing $name is refused before anything is sent or written', async (c) => {
    const dir = await clone(c.yaml, c.dotenv());
    const before = (await readdir(dir)).sort();
    const r = await runCli(['-C', dir, 'build'], { env: cleanEnv(c.shell()) });
    await expectRefused(r, dir, c.name, before);
    expect(r.stderr).toContain('git tracks that file');
  });

  it('choosing FFMPEG_PATH is refused before the program runs', async () => {
    const bin = await tempDir();
    const program = join(bin, 'ffmpeg');
    await writeFile(program, `#!/bin/sh\ntouch "${join(bin, 'ran')}"\nexit 1\n`);
    await chmod(program, 0o755);
    const dir = await clone(`${shot('draft')}segments:\n  clip: { keyframes: [s], model: draft, duration: 2 }\n`, { FFMPEG_PATH: program });
    const before = (await readdir(dir)).sort();
    const r = await runCli(['-C', dir, 'build', '--draft'], { env: cleanEnv() });
    await expectRefused(r, dir, 'FFMPEG_PATH', before);
    expect(existsSync(join(bin, 'ran'))).toBe(false);
  });

  it('is refused by the one-off commands too', async () => {
    const dir = await clone(FAL_PROJECT, { AIVP_FAL_PROXY_URL: fal.env().AIVP_FAL_PROXY_URL });
    const before = (await readdir(dir)).sort();
    const r = await runCli(['generate', '-p', 'a harbour', '-m', 'fal-ai/flux/dev', '-o', 'out.png'], { cwd: dir, env: cleanEnv({ FAL_KEY: 'fal-user' }) });
    await expectRefused(r, dir, 'AIVP_FAL_PROXY_URL', before);
  });

  it('may hold the keys: they are sent where the shell says', async () => {
    // The shell's OPENAI_BASE_URL is the one used, whatever the committed file says.
    const dir = await clone(OPENAI_PROJECT, { OPENAI_API_KEY: 'sk-from-the-repo', OPENAI_BASE_URL: fal.url });
    const r = await runCli(['-C', dir, 'build'], { env: cleanEnv({ OPENAI_BASE_URL: openai.openaiUrl }) });
    expect(r.code, r.stderr).toBe(0);
    expect(openai.calls()).toHaveLength(1);
    expect(openai.calls()[0].headers.authorization).toBe('Bearer sk-from-the-repo');
    expect(fal.requests).toHaveLength(0);
  });
});

describe('a .env in no git work tree', () => {
  it('may not choose an endpoint either: nothing tells it from one that came with the folder', async () => {
    const dir = await tempProject(OPENAI_PROJECT, { '.env': dotenv({ OPENAI_API_KEY: 'sk-user', OPENAI_BASE_URL: openai.openaiUrl }) });
    const before = (await readdir(dir)).sort();
    // However the machine's temp folder lies, git looks no higher than the project.
    const r = await runCli(['-C', dir, 'build'], { env: cleanEnv({ GIT_CEILING_DIRECTORIES: dirname(dir) }) });
    await expectRefused(r, dir, 'OPENAI_BASE_URL', before);
    expect(r.stderr).toContain('git finds no work tree holding that file');
  });
});

describe("the user's own .env (git does not track it)", () => {
  const OWN: Array<{ name: string; yaml: string; env: () => Record<string, string>; calls: () => number }> = [
    { name: 'OPENAI_BASE_URL', yaml: OPENAI_PROJECT, env: () => ({ OPENAI_API_KEY: 'sk-user', OPENAI_BASE_URL: openai.openaiUrl }), calls: () => openai.calls().length },
    { name: 'AIVP_FAL_PROXY_URL', yaml: FAL_PROJECT, env: () => fal.env(), calls: () => fal.submits().length },
    { name: 'GOOGLE_GEMINI_BASE_URL', yaml: GOOGLE_PROJECT, env: () => ({ GEMINI_API_KEY: 'gem-user', GOOGLE_GEMINI_BASE_URL: google.url }), calls: () => google.requests.length },
  ];

  it.each(OWN)('may choose $name (ignored, as the README team set-up has it)', async (c) => {
    const dir = await tempProject(c.yaml, { '.env': dotenv(c.env()), '.gitignore': '.env\n' });
    gitInit(dir, ['aivp.project.yaml', '.gitignore']);
    const r = await runCli(['-C', dir, 'build'], { env: cleanEnv() });
    expect(r.code, r.stderr).toBe(0);
    expect(c.calls()).toBeGreaterThan(0);
  });

  it('may choose the team cache store (AWS_ENDPOINT_URL_S3), merely untracked', async () => {
    let s3: FakeS3 | undefined;
    try {
      s3 = await startS3();
      const dir = await tempProject(`${FAL_PROJECT}cache:\n  remote: s3://team/x\n`, { '.env': dotenv({ AWS_ENDPOINT_URL_S3: s3.url }) });
      gitInit(dir, ['aivp.project.yaml']);
      const { AWS_ENDPOINT_URL_S3: _, ...rest } = s3.env();
      const r = await runCli(['-C', dir, 'build'], { env: cleanEnv({ ...fal.env(), ...rest }) });
      expect(r.code, r.stderr).toBe(0);
      expect((await s3.objects()).length).toBeGreaterThan(0);
    } finally {
      await s3?.close();
    }
  });
});
