import { randomUUID } from 'node:crypto';
import { DeleteBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { PreconditionFailed } from '../../lake/object-store.js';
import { openStore } from '../../lake/open-lake.js';
import { testS3 } from '../support/stores.js';

const s3 = testS3();
const client = new S3Client({
  endpoint: s3.endpoint,
  region: s3.region,
  forcePathStyle: true,
  credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
});
const bucket = `devenir-open-${randomUUID().slice(0, 8)}`;
const exists = () =>
  client.send(new HeadBucketCommand({ Bucket: bucket })).then(
    () => true,
    () => false,
  );
afterAll(async () => {
  await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  client.destroy();
});

describe('an S3 lake opened by a command', () => {
  it('writes nothing while it only reads, and probes conditional writes at its first write', async () => {
    const store = await openStore({
      lake: `s3://${bucket}/lake`,
      s3: {
        endpoint: s3.endpoint,
        region: s3.region,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        forcePathStyle: true,
      },
    });
    // Reads of a lake that holds nothing (here: a bucket nobody created) find nothing and leave no trace.
    expect(await store.get('_meta/lake/current.json')).toBeUndefined();
    expect(await store.head('_meta/lake/current.json')).toBeUndefined();
    expect(await exists()).toBe(false);
    // The first conditional write probes the server (SeaweedFS creates the bucket on a put), then is create-only.
    await store.putIfAbsent('_meta/lake/current.json', '{"snapshot":1}');
    await expect(store.putIfAbsent('_meta/lake/current.json', '{"snapshot":2}')).rejects.toThrow(PreconditionFailed);
    expect((await store.get('_meta/lake/current.json'))?.body.toString()).toBe('{"snapshot":1}');
    expect((await store.list('_meta/')).map((o) => o.key)).toEqual(['_meta/lake/current.json']);
    await store.delete('_meta/lake/current.json');
  });
});
