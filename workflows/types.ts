import type { PublishStagedInput, PublishStagedResult } from '../activities/publish/publish-staged.js';

/** Task queues and the committer of one lake; every workflow input carries them. */
export interface RunContext {
  /** The deployment's prefix (one per lake): it scopes child workflow ids. */
  idPrefix?: string;
  queues: { workflows: string; landing: string; building: string };
  /** Workflow id of the lake's single committer. */
  committerId: string;
  /** How long a silent activity may go before its worker is taken for dead (default 2 minutes). */
  heartbeatTimeout?: string;
}

/** Progress that running workflows answer to the `progress` query. */
export interface Progress {
  step: string;
  sourcesDone: string[];
  sourcesFailed: Array<{ source: string; error: string }>;
  rowsLanded: number;
  requests: number;
  done: number;
  total: number;
}

export function newProgress(step = 'starting'): Progress {
  return { step, sourcesDone: [], sourcesFailed: [], rowsLanded: 0, requests: 0, done: 0, total: 0 };
}

/** A model kept at its last published version, why, and how to fix it (lake/manifest.ts's HeldBackModel). */
export interface HeldBack {
  model: string;
  reason: string;
  fix?: string;
}

/** What a run reports of its build, when it built: the models run and those held back. */
export interface BuildOutcome {
  heldBack?: HeldBack[];
  modelsRun?: string[];
  /**
   * How many times the lake refused the build as stale (another deployment's committer published one of its models'
   * inputs meanwhile) before it published: the committer built it again over the new head each time.
   */
  staleRefusals?: number;
}

/** The one line a refresh that found nothing new ends with. */
export const NOTHING_NEW = 'nothing new';

export interface PublishRequest {
  requestId: string;
  /** Rebuild staging → matched → published over the lake plus these staged sets before committing. */
  rebuild: boolean;
  /** Rebuild every model, not only those whose fingerprint changed. */
  full?: boolean;
  /** Where the answer goes (a `publishDone` signal). */
  requesterWorkflowId: string;
  input: PublishStagedInput;
}

export interface PublishAnswer {
  requestId: string;
  result?: PublishStagedResult & BuildOutcome;
  error?: string;
}
