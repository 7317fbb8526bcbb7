import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PreconditionFailed, type ObjectInfo, type ObjectStore, type StoredObject } from './object-store.js';

const LOCK_STALE_MS = 30_000;

/** The embedded lake: a local folder. Create-only via link(2), compare-and-swap via a lock file + rename(2). */
export class FsObjectStore implements ObjectStore {
  readonly root: string;

  constructor(readonly dir: string) {
    this.root = `file://${path.resolve(dir)}`;
  }

  localPath(key: string): string {
    const file = path.resolve(this.dir, key);
    if (!file.startsWith(path.resolve(this.dir) + path.sep)) throw new Error(`key escapes the lake: ${key}`);
    return file;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    try {
      const body = await fs.readFile(this.localPath(key));
      return { body, version: hash(body) };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const found = await this.get(key);
    if (!found) return undefined;
    const stat = await fs.stat(this.localPath(key));
    return { key, size: stat.size, version: found.version, lastModified: stat.mtime };
  }

  async put(key: string, body: Buffer | string): Promise<{ version: string }> {
    const data = Buffer.from(body);
    const tmp = await this.writeTemp(key, data);
    await fs.rename(tmp, this.localPath(key));
    return { version: hash(data) };
  }

  async putIfAbsent(key: string, body: Buffer | string): Promise<{ version: string }> {
    const data = Buffer.from(body);
    const tmp = await this.writeTemp(key, data);
    try {
      await fs.link(tmp, this.localPath(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new PreconditionFailed(key, 'already exists');
      throw error;
    } finally {
      await fs.rm(tmp, { force: true });
    }
    return { version: hash(data) };
  }

  async putIfMatch(key: string, body: Buffer | string, expected: string): Promise<{ version: string }> {
    const release = await this.lock(key);
    try {
      const current = await this.get(key);
      if (!current) throw new PreconditionFailed(key, 'does not exist');
      if (current.version !== expected) throw new PreconditionFailed(key, 'changed since it was read');
      return await this.put(key, body);
    } finally {
      await release();
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    const base = path.resolve(this.dir);
    const start = path.join(base, prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '');
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isNotFound(error)) return;
        throw error;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        const key = path.relative(base, full).split(path.sep).join('/');
        if (entry.isDirectory()) await walk(full);
        else if (key.startsWith(prefix) && !entry.name.startsWith('.tmp-') && !entry.name.endsWith('.lock')) {
          const stat = await fs.stat(full);
          out.push({ key, size: stat.size, version: `${stat.size}-${stat.mtimeMs}`, lastModified: stat.mtime });
        }
      }
    };
    await walk(start);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.localPath(key), { force: true });
  }

  async uploadFile(
    key: string,
    localPath: string,
    opts: { ifAbsent?: boolean } = {},
  ): Promise<{ version: string; created: boolean }> {
    const target = this.localPath(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = path.join(path.dirname(target), `.tmp-${randomUUID()}`);
    await fs.copyFile(localPath, tmp);
    const version = await hashFile(tmp);
    try {
      if (opts.ifAbsent) await fs.link(tmp, target);
      else await fs.rename(tmp, target);
      return { version, created: true };
    } catch (error) {
      if (opts.ifAbsent && (error as NodeJS.ErrnoException).code === 'EEXIST')
        return { version: await hashFile(target), created: false };
      throw error;
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  async downloadFile(key: string, localPath: string): Promise<void> {
    await fs.mkdir(path.dirname(localPath), { recursive: true });
    const tmp = `${localPath}.tmp-${randomUUID()}`;
    await fs.copyFile(this.localPath(key), tmp);
    await fs.rename(tmp, localPath);
  }

  private async writeTemp(key: string, data: Buffer): Promise<string> {
    const target = this.localPath(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = path.join(path.dirname(target), `.tmp-${randomUUID()}`);
    await fs.writeFile(tmp, data);
    return tmp;
  }

  /** A per-key lock file created with O_EXCL; a lock older than 30 s is taken to be left by a crash. */
  private async lock(key: string): Promise<() => Promise<void>> {
    const file = `${this.localPath(key)}.lock`;
    await fs.mkdir(path.dirname(file), { recursive: true });
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await fs.open(file, 'wx');
        await handle.close();
        return () => fs.rm(file, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const stat = await fs.stat(file).catch(() => undefined);
        if (stat && Date.now() - stat.mtimeMs > LOCK_STALE_MS) await fs.rm(file, { force: true });
        if (attempt > 2_000) throw new Error(`${key}: lock held for too long (${file})`);
        await new Promise((r) => setTimeout(r, 2 + Math.random() * 8));
      }
    }
  }
}

function hash(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function hashFile(file: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(file), h);
  return h.digest('hex');
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
