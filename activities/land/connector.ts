import type { Logger } from 'pino';
import type { SourceConfig, SourceId } from './sources.js';
import type { DatasetDeclaration } from '../../lake/dataset-registry.js';
import type { HttpClient } from './http.js';

/** How a landed file is read by DuckDB. Every landed column is VARCHAR; staging casts. */
export type LandingFormat =
  | {
      kind: 'ndjson';
      /** every key the file holds (see writeNdjson): one pass, no schema inference */ columns?: string[];
      /** the key holding each record's 1-based number, if the writer numbered them (see writeNdjson) */
      rowNumberKey?: string;
      /** how many records the file holds, if the writer counted them: landing then reads it once when all are valid */
      records?: number;
      /** an upper bound of the longest record's size in bytes, if the writer knows it (DuckDB's read buffers fit it) */
      longestRecord?: number;
    }
  | { kind: 'csv'; delimiter: string; quote?: string; header: true };

/** One UTF-8 file produced by a connector, ready to become Parquet in the raw layer. */
export interface LandingFile {
  /** Local path (under ctx.workDir) of a UTF-8 file. */
  path: string;
  format: LandingFormat;
  /** Lake key of the original payload this file was derived from (see LandContext.saveRaw). */
  rawKey: string;
}

/** A dataset's declaration (activities/land/datasets/<source>.yml): the contract checked at landing. */
export type DatasetSpec = DatasetDeclaration;

/** What a connector reports besides its files. */
export interface LandingReport {
  files: LandingFile[];
  /** New fields / measures the connector did not expect (landed anyway, reported). */
  drift: { unknownColumns: string[]; unknownMeasures: string[] };
  /** Requests skipped on purpose, e.g. `400 UAI incorrect ou agricole`: key → reason. */
  skipped: Record<string, string>;
  /** Source URL and HTTP validators of the main payload, for the manifest. */
  sourceUrl: string;
  validators: { etag?: string; lastModified?: string };
  requests: number;
}

/** What the land activity hands to a connector. */
export interface LandContext {
  source: SourceId;
  config: SourceConfig;
  /** Base URL to talk to (the configured one, or the simulator's). */
  baseUrl: string;
  http: HttpClient;
  /** A private, empty local folder for this attempt. */
  workDir: string;
  log: Logger;
  /**
   * Stores an original payload, content-addressed under raw/<source>/<dataset>/<period>/<sha256>.<ext>.
   * Storing the same content twice is a no-op; returns the key. `identity` is what the address hashes when
   * the payload carries volatile envelope fields (e.g. BCN's `metadata.send_at`, the time of sending): the
   * first original with that content is the one kept.
   */
  saveRaw(bytes: Uint8Array, ext: string, dataset: string, period: string, identity?: Uint8Array): Promise<string>;
  /** Reads back an original payload saved by saveRaw (e.g. by an earlier attempt, when resuming). */
  loadRaw(key: string): Promise<Uint8Array>;
  /** Checkpoint for resumable loops: the value saved by the last heartbeat of a previous attempt. */
  checkpoint: unknown;
  /** Records progress (and a resumable checkpoint) in the activity heartbeat. */
  heartbeat(progress: { done: number; total?: number; checkpoint?: unknown }): void;
  /** Cancellation of the activity. */
  signal: AbortSignal;
}

export interface LandRequest {
  dataset: string;
  /** Millésime (`2021_2022`, `2022`) or fetch date (`2026-11-29`), per DatasetSpec.period. */
  period: string;
  /** Optional scope, e.g. a list of UAIs or régions for InserJeunes. */
  scope?: Record<string, string[]>;
}

/** A source connector: the publisher's protocol, nothing about Temporal or the lake layout. */
export interface SourceConnector {
  source: SourceId;
  datasets: Record<string, DatasetSpec>;
  /** The publisher's request limit (requests per second); `DEVENIR_<SOURCE>_RATE` overrides it. Default 5. */
  ratePerSecond?: number;
  /** Default periods to land when none is given (e.g. the millésimes the publisher serves). */
  defaultPeriods(dataset: string, today: string): string[];
  land(ctx: LandContext, request: LandRequest): Promise<LandingReport>;
}
