import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_CREDENTIALS, sourceEnvPrefix, SOURCE_IDS } from '../../activities/land/sources.js';
import { failureMessage } from '../../activities/errors.js';
import { createLogger } from '../../infra/logger.js';
import { sql, Workspace } from '../../lake/duckdb-session.js';
import type { RefreshSourceInput, RefreshSourceResult } from '../../workflows/refresh-source-workflow.js';
import { startHarness, type Harness } from '../support/harness.js';
import { testS3 } from '../support/stores.js';

/** Every credential variable set to a value carrying this marker. */
const MARKER = `sekret${randomUUID().replace(/-/g, '')}`;
const credentials = Object.fromEntries(
  SOURCE_IDS.flatMap((s) => SOURCE_CREDENTIALS[s].map((n) => [`${sourceEnvPrefix(s)}_${n}`, `${MARKER}-${n}`])),
);
/** What must appear nowhere: the marker, and the lake's real S3 secret (SeaweedFS checks it: no marker there). */
const SECRETS = [MARKER, testS3().secretAccessKey].filter((s) => s && s.length >= 8);

/** Every string in a value, Uint8Array payloads (Temporal's encoded arguments and results) decoded as UTF-8. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}
const leaks = (texts: string[], where: string) =>
  texts.flatMap((t) => SECRETS.filter((s) => t.includes(s)).map(() => `${where}: ${t.slice(0, 200)}`));

describe('secrets never reach logs, histories, lake objects or the catalog', () => {
  let h: Harness;
  const lines: string[] = [];
  const started: string[] = [];
  const refresh = (id: string, input: Omit<RefreshSourceInput, 'queues' | 'committerId'>) => {
    const workflowId = `${id}-${randomUUID().slice(0, 8)}`;
    started.push(workflowId);
    return h.client.workflow.execute('refreshSourceWorkflow', {
      taskQueue: h.ctx.queues.workflows,
      workflowId,
      args: [{ ...h.ctx, date: '2026-11-29', build: false, ...input }],
    }) as Promise<RefreshSourceResult>;
  };

  beforeAll(async () => {
    // The worker's pino output, at its most talkative level, through the project's logger (and its redaction).
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const log = createLogger('trace', { pretty: false, destination: capture });
    h = await startHarness({ lake: 's3', env: credentials, log });
    await h.startWorker();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a refresh whose login fails and one whose login succeeds leave no credential anywhere', async () => {
    // BCN's simulator takes only its dev login: the marker is refused, the refresh fails.
    const failed = await refresh('login-fails', { source: 'bcn', datasets: ['n_niveau_formation_diplome'] }).catch(
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    // Refused with the marker credentials (the dev ones log in): the marker was sent.
    expect(failureMessage((failed as WorkflowFailedError).cause)).toMatch(/^bcn: .*401/);
    // InserJeunes takes any username and password (the marker ones are sent to log in); InserSup any API key.
    const ok = await refresh('login-succeeds', { source: 'insersup', datasets: ['nationales'] });
    expect(ok.committed).toBe(true);
    const ij = await refresh('login-succeeds-ij', {
      source: 'inserjeunes',
      datasets: ['regionales'],
      periods: ['2021_2022'],
    });
    expect(ij.committed).toBe(true);
    expect(lines.length).toBeGreaterThan(0);
    expect(leaks(lines, 'log')).toEqual([]);

    // Every event of every workflow of this run (the refreshes, the committer and any other on its task queue).
    const ids = new Set([...started, h.ctx.committerId]);
    for await (const w of h.client.workflow.list({ query: `TaskQueue = '${h.ctx.queues.workflows}'` }))
      ids.add(w.workflowId);
    let events = 0;
    let decoded = false;
    for (const id of ids) {
      const history = await h.client.workflow.getHandle(id).fetchHistory();
      events += history.events?.length ?? 0;
      const texts = strings(history);
      // Control: the payloads are read as text (the refresh's input names its dataset).
      decoded ||= texts.some((t) => t.includes('"datasets":["nationales"]'));
      expect(leaks(texts, `history ${id}`)).toEqual([]);
    }
    expect(decoded).toBe(true);
    expect(events).toBeGreaterThan(20);

    // Every lake object, Parquet files read row by row (their pages are compressed), gzip unpacked.
    const objects = await h.lake.store.list('');
    expect(objects.some((o) => o.key.startsWith('_meta/catalog/'))).toBe(true);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'devenir-secrets-'));
    const found: string[] = [];
    let seen = 0; // control: rows of the landed millésime, found by the same search
    await Workspace.with(async (ws) => {
      for (const o of objects) {
        const body = (await h.lake.store.get(o.key))!.body;
        const text = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body;
        found.push(...leaks([text.toString('utf8'), text.toString('latin1')], o.key));
        if (!o.key.endsWith('.parquet')) continue;
        const file = path.join(dir, `${randomUUID()}.parquet`);
        writeFileSync(file, body);
        const hits = await ws.rows<{ n: bigint }>(
          `select count(*) as n from read_parquet(${sql.str(file)}) t where ${SECRETS.map((s) => `contains(t::varchar, ${sql.str(s)})`).join(' or ')}`,
        );
        if (Number(hits[0].n) > 0) found.push(`${o.key}: ${hits[0].n} rows`);
        const control = await ws.rows<{ n: bigint }>(
          `select count(*) as n from read_parquet(${sql.str(file)}) t where contains(t::varchar, '2021_2022')`,
        );
        seen += Number(control[0].n);
      }
    });
    expect(found).toEqual([]);
    expect(seen).toBeGreaterThan(1000);
  });
});
