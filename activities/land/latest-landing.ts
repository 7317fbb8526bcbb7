import { createHash } from 'node:crypto';
import type { Lake } from '../../lake/lake.js';
import type { DatasetSpec } from './connector.js';
import type { Conditional } from './http.js';

/** What a landing records in its raw table manifest (`source[period]`), as far as the no-op check reads it. */
export interface LandingFacts {
  url?: string;
  validators?: { etag?: string; lastModified?: string };
  raw_keys?: string[];
  /** When the landing fetched the payload (ISO). */
  fetched_at?: string;
  /** Fingerprint of the dataset's spec the rows were landed under (see specFingerprint). */
  spec?: string;
}

/** The latest landing of a dataset that the current lake snapshot holds, to compare a new landing with. */
export interface LatestLanding {
  snapshotId: number;
  period: string;
  facts: LandingFacts;
  /** Payload file name (`<sha256>.<ext>`) → its lake key, for every payload of that landing. */
  payloads: Map<string, string>;
}

/** A fingerprint of what turns the same payload into rows: the dataset's spec. Another spec means another landing. */
export function specFingerprint(spec: DatasetSpec): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
}

const payloadName = (key: string) => key.slice(key.lastIndexOf('/') + 1);

/**
 * The latest landing of `table` in the current lake snapshot: the same period's for a millésime, the latest
 * period's for a fetch-date dataset (a referential fetched on another day is compared with the last one fetched).
 */
export async function latestLanding(
  lake: Lake,
  table: string,
  period: string,
  kind: DatasetSpec['period'],
): Promise<LatestLanding | undefined> {
  const snapshot = await lake.lakeSnapshot();
  const id = snapshot?.tables[table];
  if (!snapshot || id === undefined) return undefined;
  const manifest = await lake.tableLog(table).read(id);
  const source = (manifest?.source ?? {}) as Record<string, LandingFacts>;
  const candidates = kind === 'millesime' ? [period].filter((p) => source[p]) : Object.keys(source).sort();
  const latest = candidates.at(-1);
  if (!latest) return undefined;
  const facts = source[latest];
  const payloads = new Map((facts.raw_keys ?? []).map((k) => [payloadName(k), k]));
  return { snapshotId: snapshot.snapshot_id, period: latest, facts, payloads };
}

/** The validators to send with the request of the latest landing's main payload, when its spec is still the same. */
export function conditionalFor(latest: LatestLanding | undefined, spec: string): Conditional | undefined {
  const v = latest?.facts.validators;
  if (!latest?.facts.url || latest.facts.spec !== spec || (!v?.etag && !v?.lastModified)) return undefined;
  return { url: latest.facts.url, etag: v.etag, lastModified: v.lastModified };
}

/** Whether a landing's payloads are byte for byte those of the latest landing (same files, same spec). */
export function samePayloads(latest: LatestLanding | undefined, rawKeys: string[], spec: string): boolean {
  if (!latest || latest.facts.spec !== spec) return false;
  const names = new Set(rawKeys.map(payloadName));
  return names.size === latest.payloads.size && [...names].every((n) => latest.payloads.has(n));
}

/** The lake key of a payload the latest landing already holds (same content), so it is not written again. */
export function knownPayload(latest: LatestLanding | undefined, key: string): string | undefined {
  return latest?.payloads.get(payloadName(key));
}
