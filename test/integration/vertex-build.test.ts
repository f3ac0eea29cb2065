// The built CLI on Vertex AI: a Gemini keyframe and two Veo segments (one delivered inline, one
// to a gs:// bucket) through the real SDK and auth library against the fake Google Cloud, with
// the Vertex switches in the process environment and the project and credentials file in `.env`
// (which the auth library cannot read by itself).
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, events, runCli, startCli } from '../cli/helpers.js';
import { FAKE_MP4 } from '../fakes/google-server.js';
import { LOCATION, PROJECT, startFakeVertex, type FakeVertex } from '../fakes/vertex-server.js';
import { gitInit, readJson, tempDir, tempProject } from '../support/project.js';
import { until } from '../support/wait.js';
import { checkRecords, filesContaining } from './helpers.js';

let fake: FakeVertex;
let credsDir: string;
beforeEach(async () => {
  fake = await startFakeVertex({ pollsUntilDone: 2 });
  credsDir = await tempDir();
});
afterEach(async () => {
  await fake.close();
});

const YAML = `aivp: 1
shots:
  k1: { prompt: "a lighthouse at dusk", model: gemini-3.1-flash-image, seed: 5 }
segments:
  clip: { keyframes: [k1], model: veo-3.1-generate-001, duration: 8 }
  bucketed: { keyframes: [k1], model: veo-3.1-generate-001, duration: 4, params: { outputGcsUri: "gs://aivp-renders/films/" } }
`;

async function vertexProject(): Promise<string> {
  const dotenv = [
    `GOOGLE_CLOUD_PROJECT=${PROJECT}`,
    `GOOGLE_CLOUD_LOCATION=${LOCATION}`,
    `GOOGLE_APPLICATION_CREDENTIALS=${await fake.writeCredentials(credsDir)}`,
  ].join('\n');
  const dir = await tempProject(YAML, { '.env': Buffer.from(`${dotenv}\n`) });
  gitInit(dir);
  return dir;
}

function vertexEnv(): NodeJS.ProcessEnv {
  const env = cleanEnv({
    GOOGLE_GENAI_USE_VERTEXAI: 'true', GOOGLE_VERTEX_BASE_URL: fake.url, STORAGE_EMULATOR_HOST: fake.url,
    AIVP_GOOGLE_POLL_MS: '5', AIVP_RETRY_BASE_MS: '5',
  });
  // Only the project's .env (the user's own: git does not track it) may say where the credentials and the project are.
  for (const k of ['GOOGLE_APPLICATION_CREDENTIALS', 'GOOGLE_CLOUD_PROJECT', 'GCP_PROJECT_ID', 'GOOGLE_CLOUD_LOCATION', 'GCE_METADATA_HOST']) delete env[k];
  return env;
}

describe('Vertex AI build', () => {
  it('builds a Gemini keyframe and Veo segments (inline and gs://) with the STS token; a rebuild calls nothing', async () => {
    const dir = await vertexProject();
    const env = vertexEnv();
    const first = await runCli(['-C', dir, 'build', '--json'], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(events(first.stdout).find((e) => e.type === 'build:done').summary).toMatchObject({ built: 3, failed: 0 });

    // One token exchange for the whole build; every other call carries its token.
    expect(fake.count('/sts/v1/token')).toBe(1);
    for (const r of fake.requests.filter((q) => q.path !== '/sts/v1/token')) expect(r.headers.authorization).toBe(`Bearer ${fake.token}`);
    expect(fake.count(':generateContent')).toBe(1);
    expect(fake.count(':predictLongRunning')).toBe(2);
    expect(fake.count(':fetchPredictOperation')).toBe(4);
    expect(fake.count('/storage/v1/b/aivp-renders/o/films%2F')).toBe(1);
    const submitted = fake.requests.filter((r) => r.path.endsWith(':predictLongRunning')).map((r) => r.body.parameters);
    expect(submitted).toContainEqual({ sampleCount: 1, durationSeconds: 4, storageUri: 'gs://aivp-renders/films/' });
    expect(submitted).toContainEqual({ sampleCount: 1, durationSeconds: 8 });

    expect(await checkRecords(dir)).toEqual(['bucketed', 'clip', 'k1']);
    expect((await readdir(join(dir, 'segments'))).sort()).toEqual(['bucketed.mp4', 'clip.mp4']);
    for (const seg of ['clip', 'bucketed']) {
      expect((await readFile(join(dir, `segments/${seg}.mp4`))).equals(FAKE_MP4)).toBe(true);
      expect((await readJson(join(dir, `metadata/${seg}.json`))).requestId)
        .toMatch(new RegExp(`^projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/veo-3.1-generate-001/operations/`));
    }
    expect(await filesContaining(dir, [fake.token, fake.subjectToken])).toEqual([]);

    const seen = fake.requests.length;
    const again = await runCli(['-C', dir, 'build', '--json'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(events(again.stdout).find((e) => e.type === 'build:done').summary).toMatchObject({ built: 0, failed: 0 });
    expect(fake.requests.length).toBe(seen);
  });

  it('kill -9 while Veo runs: the rerun polls the recorded operation with fetchPredictOperation and submits nothing', async () => {
    fake.behaviour.pollsUntilDone = 1_000_000;
    const dir = await tempProject(`aivp: 1
shots:
  k1: { prompt: "keyframe", model: gemini-3.1-flash-image, seed: 5 }
segments:
  clip: { keyframes: [k1], model: veo-3.1-generate-001, duration: 8, params: { outputGcsUri: "gs://aivp-renders/killed/" } }
`, { '.env': Buffer.from(`GOOGLE_CLOUD_PROJECT=${PROJECT}\nGOOGLE_APPLICATION_CREDENTIALS=${await fake.writeCredentials(credsDir)}\n`) });
    gitInit(dir);
    const env = vertexEnv();
    const { child, done } = startCli(['-C', dir, 'build', '--json'], { env });
    await until(() => fake.count(':fetchPredictOperation') > 0, 'an operation poll', 20_000);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    const inflight = (await readdir(join(dir, '.aivp/inflight'))).filter((f) => f.endsWith('.json'));
    expect(inflight).toHaveLength(1);
    const op = (await readJson(join(dir, '.aivp/inflight', inflight[0]))).requestId;
    expect(op).toMatch(/\/publishers\/google\/models\/veo-3\.1-generate-001\/operations\//);

    fake.behaviour.pollsUntilDone = 0;
    const rerun = await runCli(['-C', dir, 'build', '--json'], { env });
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    expect(fake.count(':predictLongRunning')).toBe(1);
    expect(fake.count(':generateContent')).toBe(1);
    expect(fake.requests.filter((r) => r.path.endsWith(':fetchPredictOperation')).at(-1)!.body).toEqual({ operationName: op });
    expect(fake.count('/storage/v1/b/aivp-renders/o/killed%2F')).toBe(1);
    expect((await readJson(join(dir, 'metadata/clip.json'))).requestId).toBe(op);
    expect(await checkRecords(dir)).toEqual(['clip', 'k1']);
    expect(existsSync(join(dir, '.aivp/inflight', inflight[0]))).toBe(false);
  });
});
