import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SharedRate } from '../../activities/land/shared-rate.js';
import { FsObjectStore } from '../../lake/fs-store.js';

/**
 * Two members (as two workers would be) share one source's limit through a lake folder. Timing here can only run
 * slower on a loaded machine, never faster, so the bounds below are upper bounds on the rate.
 */
describe('SharedRate: one publisher limit across workers', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devenir-rate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('two members together stay under the limit, each at half of it', async () => {
    const store = new FsObjectStore(dir);
    const limit = 20;
    const [a, b] = [new SharedRate(store, 'inserjeunes', limit), new SharedRate(store, 'inserjeunes', limit)];
    const sent: number[] = [];
    const shares: number[] = [];
    const send = (member: SharedRate) => member.throttle(async () => void sent.push(Date.now()));
    await send(a); // a joins alone
    await send(b); // b sees a and waits until a has lowered its share
    await Promise.all(
      [a, b].flatMap((m) => Array.from({ length: 30 }, () => send(m).then(() => shares.push(m.share)))),
    );
    const window = (sent.at(-1)! - sent[2]) / 1000;
    expect((sent.length - 3) / window).toBeLessThanOrEqual(limit * 1.05);
    expect(new Set(shares)).toEqual(new Set([limit / 2]));
    const leases = await store.list('_meta/rate/inserjeunes/');
    expect(leases).toHaveLength(2);
  });
});
