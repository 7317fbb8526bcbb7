import type { z } from 'zod';
import { PreconditionFailed, type ObjectStore } from './object-store.js';
import { Pointer } from './manifest.js';

interface Snapshot {
  snapshot_id: number;
  parent_snapshot_id: number | null;
  idempotency_key: string;
}

/** What a commit callback returns: the next snapshot (its id and parent are filled in), or `unchanged`. */
export type NextSnapshot<T extends Snapshot> = Omit<T, 'snapshot_id' | 'parent_snapshot_id'> | 'unchanged';

export const IDEMPOTENCY_DEPTH = 25;
const MAX_ATTEMPTS = 200;

/**
 * An append-only log of immutable JSON snapshots plus a `current` pointer.
 * The log is the truth: snapshot N+1 is created with a create-only put, so two writers never both win;
 * the pointer is then moved by compare-and-swap and is rolled forward by any reader that finds it behind.
 */
export class SnapshotLog<T extends Snapshot> {
  constructor(
    private readonly store: ObjectStore,
    private readonly schema: z.ZodType<T>,
    private readonly snapshotKey: (id: number) => string,
    private readonly currentKey: string,
  ) {}

  /** The latest committed snapshot, or undefined for an empty log. */
  async head(): Promise<T | undefined> {
    return (await this.resolveHead()).head;
  }

  async read(id: number): Promise<T | undefined> {
    const found = await this.store.get(this.snapshotKey(id));
    if (!found) return undefined;
    return this.schema.parse(JSON.parse(found.body.toString('utf8')));
  }

  /** Every snapshot from the newest back to the first. */
  async history(limit = Infinity): Promise<T[]> {
    const out: T[] = [];
    let cursor = await this.head();
    while (cursor && out.length < limit) {
      out.push(cursor);
      cursor = cursor.parent_snapshot_id ? await this.read(cursor.parent_snapshot_id) : undefined;
    }
    return out;
  }

  /**
   * Commits the snapshot `build(head)` returns, rebasing on the new head whenever another writer won.
   * A commit whose idempotency key is already in the recent history returns that snapshot instead.
   */
  async commit(
    idempotencyKey: string,
    build: (head: T | undefined) => NextSnapshot<T> | Promise<NextSnapshot<T>>,
  ): Promise<{ snapshot: T | undefined; committed: boolean }> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { head, pointerVersion } = await this.resolveHead();
      const done = await this.findKey(head, idempotencyKey);
      if (done) return { snapshot: done, committed: false };
      const next = await build(head);
      if (next === 'unchanged') return { snapshot: head, committed: false };
      const id = (head?.snapshot_id ?? 0) + 1;
      const snapshot = this.schema.parse({
        ...next,
        snapshot_id: id,
        parent_snapshot_id: head?.snapshot_id ?? null,
        idempotency_key: idempotencyKey,
      });
      try {
        await this.store.putIfAbsent(this.snapshotKey(id), JSON.stringify(snapshot, null, 2));
      } catch (error) {
        if (error instanceof PreconditionFailed) {
          await backoff(attempt);
          continue; // another writer took this id: rebase on it
        }
        throw error;
      }
      await this.movePointer(pointerVersion, id);
      return { snapshot, committed: true };
    }
    throw new Error(
      `commit ${idempotencyKey}: gave up after ${MAX_ATTEMPTS} conflicting attempts (${this.currentKey})`,
    );
  }

  /** Reads the pointer, then follows the log past it (a writer may have crashed before moving it). */
  private async resolveHead(): Promise<{ head: T | undefined; pointerVersion?: string }> {
    const pointer = await this.store.get(this.currentKey);
    const pointerId = pointer ? Pointer.parse(JSON.parse(pointer.body.toString('utf8'))).snapshot_id : undefined;
    let head = pointerId ? await this.read(pointerId) : undefined;
    if (pointerId && !head) throw new Error(`${this.currentKey} names snapshot ${pointerId}, which does not exist`);
    let id = (pointerId ?? 0) + 1;
    for (let next = await this.read(id); next; next = await this.read(++id)) head = next;
    if (head && head.snapshot_id !== pointerId) await this.movePointer(pointer?.version, head.snapshot_id);
    return { head, pointerVersion: pointer?.version };
  }

  /** Best effort: losing this race is fine, since the winner moved it at least as far. */
  private async movePointer(version: string | undefined, toId: number): Promise<void> {
    const body = JSON.stringify({ snapshot_id: toId });
    try {
      if (version === undefined) await this.store.putIfAbsent(this.currentKey, body);
      else await this.store.putIfMatch(this.currentKey, body, version);
    } catch (error) {
      if (!(error instanceof PreconditionFailed)) throw error;
      const now = await this.store.get(this.currentKey);
      const nowId = now ? Pointer.parse(JSON.parse(now.body.toString('utf8'))).snapshot_id : 0;
      if (nowId < toId) await this.movePointer(now?.version, toId);
    }
  }

  private async findKey(head: T | undefined, key: string): Promise<T | undefined> {
    let cursor = head;
    for (let depth = 0; cursor && depth < IDEMPOTENCY_DEPTH; depth++) {
      if (cursor.idempotency_key === key) return cursor;
      cursor = cursor.parent_snapshot_id ? await this.read(cursor.parent_snapshot_id) : undefined;
    }
    return undefined;
  }
}

function backoff(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.min(200, 2 ** Math.min(attempt, 7)) * Math.random()));
}
