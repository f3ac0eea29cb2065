/**
 * A real S3-protocol server for the team cache tests: s3rver (npm) in this process, on 127.0.0.1
 * and a free port, storing into a temp folder, with one bucket. The AWS SDK reaches it through the
 * standard AWS_ENDPOINT_URL_S3; s3rver accepts the access key `S3RVER` and answers 403 to any other.
 * It ignores `If-None-Match` on PUT (it overwrites), so first-writer-wins is tested elsewhere.
 *
 *   const s3 = await startS3();
 *   runCli([...], { env: { ...env, ...s3.env() } });
 *   await s3.objects();  // every object: key and bytes
 *   await s3.close();
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

export const S3_KEY_ID = 'S3RVER';
export const S3_SECRET = 'S3RVER';

export interface FakeS3 {
  url: string;
  bucket: string;
  /** The environment a machine of the team has: endpoint, region and credentials. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Every object in the bucket, in key order. */
  objects(): Promise<{ key: string; body: Buffer }[]>;
  put(key: string, body: Buffer | string): Promise<void>;
  remove(key: string): Promise<void>;
  close(): Promise<void>;
}

export async function startS3(bucket = 'team'): Promise<FakeS3> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const directory = await mkdtemp(join(tmpdir(), 'aivp-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const url = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint: url, forcePathStyle: true, region: 'us-east-1',
    credentials: { accessKeyId: S3_KEY_ID, secretAccessKey: S3_SECRET },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    url,
    bucket,
    env: (extra = {}) => ({
      AWS_ENDPOINT_URL_S3: url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: S3_KEY_ID, AWS_SECRET_ACCESS_KEY: S3_SECRET, ...extra,
    }),
    async objects() {
      const out: { key: string; body: Buffer }[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
          out.push({ key: o.Key!, body: Buffer.from(await res.Body!.transformToByteArray()) });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out.sort((a, b) => a.key.localeCompare(b.key));
    },
    async put(key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async close() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
