import { SOURCE_CREDENTIALS, SOURCE_IDS, sourceEnvPrefix } from '../activities/land/sources.js';

/** Every environment variable devenir reads, apart from the per-source ones (README "Configuration"). */
export const CONFIG_VARIABLES = [
  'DEVENIR_LAKE',
  'DEVENIR_HOME',
  'DEVENIR_WORK_DIR',
  'DEVENIR_TASK_QUEUE_PREFIX',
  'DEVENIR_QUARANTINE_THRESHOLD',
  'DEVENIR_ROW_DRIFT_THRESHOLD',
  'DEVENIR_LANDING_SLOTS',
  'DEVENIR_BUILDING_SLOTS',
  'DEVENIR_SCHEDULES_FILE',
  'DEVENIR_S3_VIRTUAL_HOSTED',
  'DEVENIR_DUCKDB_MEMORY',
  'DEVENIR_DUCKDB_THREADS',
  'DEVENIR_PYTHON',
  'DEVENIR_TEMPORAL_PORT',
  'DEVENIR_TEMPORAL_UI_PORT',
  'DEVENIR_SEAWEEDFS_S3_PORT',
  'DEVENIR_SEAWEEDFS_MASTER_PORT',
  'DEVENIR_SEAWEEDFS_VOLUME_PORT',
  'DEVENIR_SEAWEEDFS_FILER_PORT',
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_UI_URL',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'DEVENIR_METRICS_ADDRESS',
] as const;

/** The keys a source takes after `DEVENIR_<SOURCE>_`: options every connector reads, and its credentials. */
const SOURCE_KEYS = ['URL', 'RATE', 'TIMEOUT_MS', 'BATCH_SIZE', 'MODE', 'QUERY', 'FORMATIONS_PATH'];
const SOURCE_URL_KEYS = ['CSV_URL', 'KIT_URL', 'OPENDATA_URL'];

/** Whether devenir reads the variable `name` (a listed one, or `DEVENIR_<SOURCE>_<KEY>` of a known source and key). */
export function isKnownVariable(name: string): boolean {
  if ((CONFIG_VARIABLES as readonly string[]).includes(name)) return true;
  return SOURCE_IDS.some((source) => {
    const prefix = `${sourceEnvPrefix(source)}_`;
    if (!name.startsWith(prefix)) return false;
    const key = name.slice(prefix.length);
    return [...SOURCE_KEYS, ...SOURCE_URL_KEYS, ...SOURCE_CREDENTIALS[source]].includes(key);
  });
}
