// What every team-cache CLI test runs against, fresh per test: the fake fal server and a real
// S3-protocol store (s3rver), and the environment that points the CLI at both.
import { afterEach, beforeEach } from 'vitest';
import { startFakeFal, type FakeFal } from '../fakes/fal-server.js';
import { startS3, type FakeS3 } from '../fakes/s3-server.js';
import { fakeEnv } from '../integration/helpers.js';

export interface TeamServices {
  fal: FakeFal;
  s3: FakeS3;
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
}

export function teamServices(): TeamServices {
  const services: TeamServices = {
    fal: undefined as unknown as FakeFal,
    s3: undefined as unknown as FakeS3,
    env: (extra = {}) => fakeEnv(services.fal, undefined, { ...services.s3.env(), ...extra }),
  };
  beforeEach(async () => {
    [services.fal, services.s3] = await Promise.all([startFakeFal(), startS3()]);
  });
  afterEach(async () => {
    await Promise.all([services.fal.close(), services.s3.close()]);
  });
  return services;
}
