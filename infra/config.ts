import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  SOURCE_CREDENTIALS,
  SOURCE_IDS,
  sourceEnvPrefix,
  type SourceConfig,
  type SourceId,
} from '../activities/land/sources.js';

export {
  ConfigError,
  SOURCE_CREDENTIALS,
  SOURCE_IDS,
  sourceEnvPrefix,
  type SourceConfig,
  type SourceId,
} from '../activities/land/sources.js';

const S3Schema = z.object({
  endpoint: z.string().url().optional(),
  region: z.string().default('us-east-1'),
  accessKeyId: z.string().optional(),
  secretAccessKey: z.string().optional(),
  forcePathStyle: z.boolean().default(true),
});

const ConfigSchema = z.object({
  home: z.string(),
  lake: z.string().min(1),
  workDir: z.string(),
  temporal: z.object({
    address: z.string().optional(),
    namespace: z.string().default('default'),
    taskQueuePrefix: z.string().default('devenir'),
    uiUrl: z.string().default('http://127.0.0.1:8233'),
  }),
  s3: S3Schema,
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  quarantineThreshold: z.number().min(0).max(1).default(0.05),
  rowDriftThreshold: z.number().min(0).default(0.5),
  /** DuckDB's memory limit and threads (DEVENIR_DUCKDB_MEMORY, DEVENIR_DUCKDB_THREADS); unset: lake/duckdb-settings.ts's default. */
  duckdb: z.object({
    memory: z
      .string()
      .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'a size such as 2.5GB or 800MB')
      .optional(),
    threads: z.number().int().min(1).max(256).optional(),
  }),
});

export type Config = z.infer<typeof ConfigSchema> & { sources: Record<SourceId, SourceConfig> };

/** Reads and validates configuration from the environment (defaults: embedded lake under .devenir/). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const home = path.resolve(cwd, env.DEVENIR_HOME ?? '.devenir');
  const lake = env.DEVENIR_LAKE ?? path.join(home, 'lake');
  const num = (name: string) => (env[name] === undefined ? undefined : Number(env[name]));
  const parsed = ConfigSchema.safeParse({
    home,
    lake: lake.startsWith('s3://') ? lake : path.resolve(cwd, lake),
    workDir: path.resolve(cwd, env.DEVENIR_WORK_DIR ?? path.join(home, 'work')),
    temporal: {
      address: env.TEMPORAL_ADDRESS || undefined,
      namespace: env.TEMPORAL_NAMESPACE || undefined,
      // One deployment per lake: by default the queues (and business workflow ids) carry the lake's id, so two lakes
      // on one Temporal namespace never run each other's work.
      taskQueuePrefix:
        env.DEVENIR_TASK_QUEUE_PREFIX ||
        `devenir-${createHash('sha256')
          .update(lake.startsWith('s3://') ? lake : path.resolve(cwd, lake))
          .digest('hex')
          .slice(0, 8)}`,
      uiUrl: env.TEMPORAL_UI_URL || undefined,
    },
    s3: {
      endpoint: env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined,
      region: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
      accessKeyId: env.AWS_ACCESS_KEY_ID || undefined,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY || undefined,
      forcePathStyle: env.DEVENIR_S3_VIRTUAL_HOSTED === '1' ? false : true,
    },
    logLevel: env.LOG_LEVEL || undefined,
    quarantineThreshold: num('DEVENIR_QUARANTINE_THRESHOLD'),
    rowDriftThreshold: num('DEVENIR_ROW_DRIFT_THRESHOLD'),
    duckdb: { memory: env.DEVENIR_DUCKDB_MEMORY || undefined, threads: num('DEVENIR_DUCKDB_THREADS') },
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `Invalid configuration at ${issue.path.join('.')}: ${issue.message}. See README "Configuration".`,
    );
  }
  const sources = Object.fromEntries(SOURCE_IDS.map((id) => [id, readSource(env, id)])) as Record<
    SourceId,
    SourceConfig
  >;
  return { ...parsed.data, sources };
}

function readSource(env: NodeJS.ProcessEnv, source: SourceId): SourceConfig {
  const prefix = `${sourceEnvPrefix(source)}_`;
  // `DEVENIR_CERTIFINFO_API_URL` belongs to certifinfo-api, not to certifinfo.
  const longer = SOURCE_IDS.map((id) => `${sourceEnvPrefix(id)}_`).filter(
    (p) => p.length > prefix.length && p.startsWith(prefix),
  );
  const config: SourceConfig = { url: undefined, urls: {}, credentials: {}, options: {} };
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(prefix) || value === undefined || value === '') continue;
    if (longer.some((p) => name.startsWith(p))) continue;
    const suffix = name.slice(prefix.length);
    if (suffix === 'URL') config.url = value;
    else if (suffix.endsWith('_URL')) config.urls[suffix] = value;
    else if (SOURCE_CREDENTIALS[source].includes(suffix)) config.credentials[suffix] = value;
    else config.options[suffix] = value;
  }
  return config;
}

/** True when the lake root is an S3 URL. */
export function isS3Lake(config: Pick<Config, 'lake'>): boolean {
  return config.lake.startsWith('s3://');
}
