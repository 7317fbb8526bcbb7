import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { ActivityDeps } from '../../activities/deps.js';
import { loadConfig, sourceEnvPrefix, type SourceId } from '../../infra/config.js';
import { openLake } from '../../lake/open-lake.js';

/** Activity dependencies on a fresh local-folder lake, every source pointed at the given simulator URLs. */
export async function localActivityDeps(
  baseUrls: Partial<Record<SourceId, string>>,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<ActivityDeps> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'devenir-activity-'));
  const env: NodeJS.ProcessEnv = { DEVENIR_HOME: home, DEVENIR_LAKE: path.join(home, 'lake'), ...extraEnv };
  for (const [source, url] of Object.entries(baseUrls)) {
    env[`${sourceEnvPrefix(source as SourceId)}_URL`] = url;
    env[`${sourceEnvPrefix(source as SourceId)}_RATE`] = '500';
  }
  const config = loadConfig(env);
  const lake = await openLake({ lake: config.lake });
  return { config, store: lake.store, lake, log: pino({ level: 'silent' }), defaultSourceUrls: {} };
}
