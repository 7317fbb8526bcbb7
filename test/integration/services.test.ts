import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HeadBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { Connection } from '@temporalio/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config.js';
import { s3ClientFor, servicesStatus, servicesUp } from '../../infra/services/index.js';
import { serviceLeases } from '../../infra/services/service-leases.js';

const env = process.env;
const s3 = {
  endpoint: env.DEVENIR_TEST_S3_ENDPOINT ?? '',
  accessKeyId: env.DEVENIR_TEST_S3_ACCESS_KEY_ID ?? '',
  secretAccessKey: env.DEVENIR_TEST_S3_SECRET_ACCESS_KEY ?? '',
  region: env.DEVENIR_TEST_S3_REGION ?? 'us-east-1',
  bucket: env.DEVENIR_TEST_S3_BUCKET ?? '',
};

/** The config the global setup saw: TEMPORAL_ADDRESS is the one it exported when it points at our local server. */
async function setupConfig() {
  const local = loadConfig({ ...env, TEMPORAL_ADDRESS: undefined });
  const [temporal] = await servicesStatus(local);
  return temporal.state === 'running' && temporal.address === env.TEMPORAL_ADDRESS ? local : loadConfig(env);
}

describe('dev services (global setup)', () => {
  let connection: Connection;
  const client = s3ClientFor(s3);

  beforeAll(async () => {
    connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  });
  afterAll(async () => {
    await connection?.close();
    client.destroy();
  });

  it('exports the coordinates to the test processes', () => {
    expect(env.TEMPORAL_ADDRESS).toMatch(/:\d+$/);
    expect(s3.endpoint).toMatch(/^https?:\/\//);
    expect(s3.bucket).not.toBe('');
    expect(JSON.parse(env.DEVENIR_TEST_S3_CONDITIONAL ?? 'null')).toEqual({
      ifNoneMatch: expect.any(Boolean),
      ifMatch: expect.any(Boolean),
    });
  });

  it('Temporal answers GetSystemInfo and knows the devenir search attributes', async () => {
    const info = await connection.workflowService.getSystemInfo({});
    expect(info.serverVersion).toBeTruthy();
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(Object.keys(customAttributes ?? {})).toEqual(expect.arrayContaining(['DevenirSource', 'DevenirMillesime']));
  });

  it('S3 lists buckets and the bucket exists', async () => {
    const { Buckets = [] } = await client.send(new ListBucketsCommand({}));
    expect(Buckets.map((b) => b.Name)).toContain(s3.bucket);
    await expect(client.send(new HeadBucketCommand({ Bucket: s3.bucket }))).resolves.toBeDefined();
  });

  it('a second servicesUp is a no-op and status reports the services', async () => {
    const log = pino({ level: 'silent' });
    const config = await setupConfig();
    const started = Date.now();
    const again = await servicesUp(config, { log });
    expect(again.started).toEqual([]);
    expect(again.temporalAddress).toBe(env.TEMPORAL_ADDRESS);
    expect(again.s3?.endpoint).toBe(s3.endpoint);
    expect(Date.now() - started).toBeLessThan(10_000);
    const status = await servicesStatus(config);
    expect(status.map((s) => s.name)).toEqual(['temporal', 'seaweedfs']);
    for (const service of status) {
      expect(['running', 'external']).toContain(service.state);
      if (service.state === 'running') expect(service.pid).toBeGreaterThan(0);
    }
  });
});

describe('service leases', () => {
  it('the last live lease holder stops what leased runs started; dead holders are ignored', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devenir-leases-'));
    try {
      const leases = serviceLeases(dir);
      const other = process.ppid; // a live process standing for a second test run
      leases.acquire(process.pid, ['seaweedfs', 'temporal']);
      leases.acquire(other, []);
      leases.acquire(2 ** 22 + 7, []); // above Linux's pid_max: never alive
      expect(leases.release(process.pid)).toEqual([]);
      expect(leases.release(other)).toEqual(['seaweedfs', 'temporal']);
      leases.acquire(process.pid, ['temporal']);
      leases.forget(['temporal']); // stopped or restarted by hand: no longer the tests' to stop
      expect(leases.release(process.pid)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
