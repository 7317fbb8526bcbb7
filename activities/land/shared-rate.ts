import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { ObjectStore } from '../../lake/object-store.js';

/** How often a member rewrites its lease and re-reads the others'. */
export const LEASE_REFRESH_MS = 1_000;
/** A lease not rewritten for this long belongs to a stopped (or killed) worker. */
const LEASE_TTL_MS = 6_000;
/** An idle member keeps its lease this long, so back-to-back activities do not rejoin each time. */
const LINGER_MS = 5_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One source's publisher limit shared by every landing worker of a lake, through the lake's store: each worker
 * that is landing the source holds a lease `_meta/rate/<source>/<member>.json`, rewritten every second; each
 * spaces its requests at `limit / live members`. A joiner that sees other members waits one refresh before its
 * first request, so they have all lowered their share first: the sum of the shares never exceeds the limit.
 * A killed worker's lease expires after a few seconds and the others take its share back.
 */
export class SharedRate {
  private readonly member = `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private members = 1;
  private lastAt = 0;
  private queue: Promise<void> = Promise.resolve();
  private active = 0;
  private joined: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private idleSince = 0;
  private leaving: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ObjectStore,
    readonly source: string,
    readonly limit: number,
  ) {}

  /** The requests per second this worker may send now. */
  get share(): number {
    return this.limit / this.members;
  }

  /** Runs `fn` at this worker's share of the source's limit (joins the source's members while requests run). */
  async throttle<T>(fn: () => Promise<T>): Promise<T> {
    this.active += 1;
    try {
      // A store error while joining fails this request (the HTTP retry or Temporal tries again) and the next one rejoins.
      await (this.joined ??= this.join().catch((error: unknown) => {
        clearInterval(this.timer);
        this.timer = undefined;
        this.joined = undefined;
        throw error;
      }));
      // One request at a time leaves its slot; the spacing is read when the slot comes, so a new share applies at once.
      const slot = this.queue.then(async () => {
        const wait = this.lastAt + 1000 / this.share - Date.now();
        if (wait > 0) await sleep(wait);
        this.lastAt = Date.now();
      });
      this.queue = slot;
      await slot;
      return await fn();
    } finally {
      this.active -= 1;
      if (this.active === 0) this.idleSince = Date.now();
    }
  }

  private get leaseKey(): string {
    return `_meta/rate/${this.source}/${this.member}.json`;
  }

  private async join(): Promise<void> {
    await this.leaving; // a lease being deleted is not rewritten until the delete is done
    const others = await this.refresh();
    this.timer = setInterval(() => void this.tick(), LEASE_REFRESH_MS);
    this.timer.unref();
    if (others > 0) await sleep(LEASE_REFRESH_MS + 250);
    await this.refresh();
  }

  /** Rewrites this member's lease and counts the live ones; returns how many others there are. */
  private async refresh(): Promise<number> {
    await this.store.put(this.leaseKey, JSON.stringify({ member: this.member, limit: this.limit, at: Date.now() }));
    const now = Date.now();
    const leases = await this.store.list(`_meta/rate/${this.source}/`);
    const live = leases.filter((l) => l.key === this.leaseKey || now - l.lastModified.getTime() < LEASE_TTL_MS);
    this.members = Math.max(1, live.length);
    return live.filter((l) => l.key !== this.leaseKey).length;
  }

  private async tick(): Promise<void> {
    try {
      if (this.active === 0 && Date.now() - this.idleSince > LINGER_MS)
        return await (this.leaving = this.leave().catch(() => undefined));
      await this.refresh();
    } catch {
      // A store hiccup: keep the last share; the next tick tries again.
    }
  }

  private async leave(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.joined = undefined;
    await this.store.delete(this.leaseKey);
  }
}

const shared = new Map<string, SharedRate>();

/** The process's SharedRate of a source on a lake (one per store, source and limit). */
export function sharedRate(store: ObjectStore, source: string, limit: number): SharedRate {
  const key = `${store.root}\n${source}\n${limit}`;
  let rate = shared.get(key);
  if (!rate) shared.set(key, (rate = new SharedRate(store, source, limit)));
  return rate;
}
