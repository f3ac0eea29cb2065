// A fake Google Cloud on 127.0.0.1 for Vertex AI as @google/genai 2.32 and google-auth-library 10
// speak it (paths and bodies logged from the real SDK, see PROVIDERS.md): an STS token endpoint
// for an `external_account` credentials file, the Vertex v1beta1 publisher-model routes
// (generateContent, predictLongRunning, fetchPredictOperation) and the Cloud Storage JSON API
// media download for Veo results written to a bucket. Every Vertex and storage route demands the
// bearer token the STS issued.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makeImage } from '../support/images.js';
import { FAKE_MP4, imageResponse, refuse, sendError, type FakeFailure, type FakeGoogleBehaviour, type RecordedRequest } from './google-server.js';
import { imageRefusal, videoRefusal } from './google-rules.js';
import { json, readBody } from './http.js';

export interface FakeVertexBehaviour {
  image: FakeGoogleBehaviour['image'];
  /** Polls an operation needs before it is done. */
  pollsUntilDone: number;
  operation: 'ok' | 'error' | 'filtered';
  /** The token endpoint: issue the token, refuse the subject token (401), or be down (503). */
  sts: 'ok' | 401 | 503;
  /** Vertex and storage requests that fail (the token endpoint has `sts`). */
  fail?: FakeFailure;
  /** What storage sends for every object instead of the video (a proxy's page...). */
  storageBody?: Buffer;
}

export interface FakeVertex {
  url: string;
  behaviour: FakeVertexBehaviour;
  requests: RecordedRequest[];
  /** The bearer token the fake STS issues: the only one Vertex and storage accept. */
  token: string;
  /** The subject token in the credential source file, which the STS exchanges. */
  subjectToken: string;
  /** Objects Veo wrote to buckets, by gs:// URI. */
  objects: Map<string, Buffer>;
  /** Requests whose path contains `fragment`. */
  count(fragment: string): number;
  /** An external_account credentials file (and its subject token file) in `dir` pointing at this STS; returns its path. */
  writeCredentials(dir: string): Promise<string>;
  close(): Promise<void>;
}

export const PROJECT = 'proj-test';
export const LOCATION = 'us-central1';
const MODELS = `/v1beta1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/`;
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

export async function startFakeVertex(opts: Partial<FakeVertexBehaviour> = {}): Promise<FakeVertex> {
  const png = await makeImage({ colour: '#37a' });
  const behaviour: FakeVertexBehaviour = { image: 'ok', pollsUntilDone: 2, operation: 'ok', sts: 'ok', ...opts };
  const requests: RecordedRequest[] = [];
  const objects = new Map<string, Buffer>();
  const token = `fake-sts-token-${randomUUID()}`;
  const subjectToken = `subject-${randomUUID()}`;
  /** Polls so far, outcome and output bucket of each operation, fixed at submit as a real one is. */
  const ops = new Map<string, { n: number; outcome: FakeVertexBehaviour['operation']; storageUri?: string }>();
  let failed = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const u = new URL(req.url ?? '/', 'http://fake');
    const raw = (await readBody(req)).toString('utf8');
    const form = String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers: req.headers,
      body: !raw ? undefined : form ? Object.fromEntries(new URLSearchParams(raw)) : JSON.parse(raw),
    };
    requests.push(rec);

    if (rec.path === '/sts/v1/token' && rec.method === 'POST') return sts(res, rec.body);

    if (req.headers.authorization !== `Bearer ${token}`) {
      return json(res, 401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } });
    }
    const fail = behaviour.fail;
    if (fail && (fail.pathIncludes === undefined || rec.path.includes(fail.pathIncludes)) && (fail.times === undefined || failed < fail.times)) {
      failed++;
      if (fail.hang) return;
      return sendError(res, fail, token);
    }

    if (rec.path.startsWith(MODELS) && rec.method === 'POST') {
      const [model, method] = rec.path.slice(MODELS.length).split(':');
      const refusal = method === 'generateContent' ? imageRefusal(model, rec.body) : method === 'predictLongRunning' ? videoRefusal('vertex', model, rec.body) : undefined;
      if (refusal) return refuse(res, refusal);
      if (method === 'generateContent') return json(res, 200, imageResponse(behaviour.image, png));
      if (method === 'predictLongRunning') {
        const name = `${MODELS.slice('/v1beta1/'.length)}${model}/operations/${randomUUID()}`;
        ops.set(name, { n: 0, outcome: behaviour.operation, storageUri: rec.body?.parameters?.storageUri });
        return json(res, 200, { name });
      }
      if (method === 'fetchPredictOperation') return fetchOperation(res, String(rec.body?.operationName));
    }

    const m = /^\/storage\/v1\/b\/([^/]+)\/o\/([^/]+)$/.exec(rec.path);
    if (m && rec.method === 'GET' && u.searchParams.get('alt') === 'media') {
      const bytes = objects.get(`gs://${decodeURIComponent(m[1])}/${decodeURIComponent(m[2])}`);
      if (!bytes) return json(res, 404, { error: { code: 404, message: 'No such object', errors: [{ reason: 'notFound' }] } });
      const body = behaviour.storageBody ?? bytes;
      res.writeHead(200, { 'content-type': behaviour.storageBody ? 'text/html' : 'video/mp4', 'content-length': body.length });
      return void res.end(body);
    }

    json(res, 404, { error: { code: 404, message: `No route for ${rec.method} ${rec.path}`, status: 'NOT_FOUND' } });
  };

  /** RFC 8693 token exchange, as google-auth-library's external account client sends it. */
  const sts = (res: ServerResponse, form: Record<string, string> | undefined): void => {
    if (behaviour.sts === 503) return json(res, 503, { error: 'temporarily_unavailable', error_description: 'The service is down' });
    if (behaviour.sts === 401 || form?.grant_type !== TOKEN_EXCHANGE || form.subject_token !== subjectToken) {
      return json(res, 401, { error: 'invalid_grant', error_description: 'The subject token could not be verified' });
    }
    json(res, 200, { access_token: token, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 3600 });
  };

  const fetchOperation = (res: ServerResponse, name: string): void => {
    const op = ops.get(name);
    if (!op) return json(res, 404, { error: { code: 404, message: `Operation ${name} not found`, status: 'NOT_FOUND' } });
    const n = ++op.n;
    if (n < behaviour.pollsUntilDone) return json(res, 200, { name, metadata: { progressPercent: Math.round((100 * n) / behaviour.pollsUntilDone) } });
    if (op.outcome === 'error') return json(res, 200, { name, done: true, error: { code: 3, message: 'The input image could not be processed.' } });
    const type = 'type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse';
    if (op.outcome === 'filtered') {
      return json(res, 200, { name, done: true, response: { '@type': type, raiMediaFilteredCount: 1, raiMediaFilteredReasons: ['The video was filtered for safety.'] } });
    }
    let video: Record<string, string> = { bytesBase64Encoded: FAKE_MP4.toString('base64'), mimeType: 'video/mp4' };
    if (op.storageUri) {
      // Vertex writes each sample under the given prefix, in a folder per operation.
      const gcsUri = `${op.storageUri.replace(/\/*$/, '/')}${name.split('/').pop()}/sample_0.mp4`;
      objects.set(gcsUri, FAKE_MP4);
      video = { gcsUri, mimeType: 'video/mp4' };
    }
    json(res, 200, { name, done: true, response: { '@type': type, raiMediaFilteredCount: 0, videos: [video] } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => json(res, 500, { error: { code: 500, message: err.message, status: 'INTERNAL' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    behaviour,
    requests,
    token,
    subjectToken,
    objects,
    count: (fragment) => requests.filter((r) => r.path.includes(fragment)).length,
    writeCredentials: async (dir) => {
      const source = join(dir, 'subject-token.txt');
      const path = join(dir, 'gcp-credentials.json');
      await writeFile(source, subjectToken);
      await writeFile(path, JSON.stringify({
        type: 'external_account',
        audience: '//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/aivp/providers/test',
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: `${url}/sts/v1/token`,
        credential_source: { file: source },
      }));
      return path;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
