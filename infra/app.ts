import type { Client } from '@temporalio/client';
import { configureDuckdb } from '../lake/duckdb-settings.js';
import type { Logger } from 'pino';
import type { Lake } from '../lake/lake.js';
import { loadConfig, isS3Lake, type Config } from './config.js';
import { createLogger } from './logger.js';

/** For an `s3://` lake with no endpoint configured: the local SeaweedFS's coordinates (loaded only then). */
async function useLocalS3(config: Config, log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!isS3Lake(config) || config.s3.endpoint !== undefined) return;
  await (await import('./services/local-s3.js')).useLocalS3(config, log, env);
}

/** What a CLI command works with. */
export interface App {
  config: Config;
  log: Logger;
  lake(): Promise<Lake>;
  client(): Promise<Client>;
}

/**
 * The composition root of a CLI command: configuration from the environment, a logger, and — on demand —
 * the lake and a Temporal client. With `ensureServices`, the local Temporal dev server (and SeaweedFS for an
 * `s3://` lake with no endpoint configured) are installed and started first.
 */
export async function openApp(opts: { ensureServices?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<App> {
  let config = loadConfig(opts.env ?? process.env);
  configureDuckdb(config.duckdb);
  const log = createLogger(config.logLevel);
  if (opts.ensureServices) {
    const { servicesUp } = await import('./services/index.js');
    await useLocalS3(config, log, opts.env ?? process.env);
    const up = await servicesUp(config, { log, s3: isS3Lake(config) });
    config = { ...config, temporal: { ...config.temporal, address: up.temporalAddress, uiUrl: up.temporalUiUrl } };
    if (up.s3 && isS3Lake(config) && !config.s3.endpoint) {
      config = {
        ...config,
        s3: {
          ...config.s3,
          endpoint: up.s3.endpoint,
          accessKeyId: up.s3.accessKeyId,
          secretAccessKey: up.s3.secretAccessKey,
          region: up.s3.region,
        },
      };
    }
    if (up.started.length) log.info({ started: up.started, ui: up.temporalUiUrl }, 'services started');
  }
  let lake: Promise<Lake> | undefined;
  let client: Promise<Client> | undefined;
  return {
    config,
    log,
    // The lake (and the AWS SDK) and the Temporal client are loaded by the first command that asks for them. An
    // `s3://` lake with no configured endpoint is on the local SeaweedFS, for every command as for `start`.
    lake: () =>
      (lake ??= useLocalS3(config, log).then(() =>
        import('../lake/open-lake.js').then((m) => m.openLake({ lake: config.lake, s3: config.s3 })),
      )),
    client: () => (client ??= import('./temporal.js').then((m) => m.connectClient(config))),
  };
}
