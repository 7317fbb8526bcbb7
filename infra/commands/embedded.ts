import type { SourceId } from '../config.js';
import { SOURCE_IDS } from '../config.js';
import type { App } from '../app.js';
import { startSimulators } from '../simulators/index.js';
import type { RunningSimulators } from '../simulators/server.js';
import { startWorker, type RunningWorker } from '../worker.js';
import type { WorkerRole } from '../worker-roles.js';

/** Requests per second the bundled simulators are asked at (they run on this machine); real services keep their own limits. */
export const SIMULATOR_RATE = '200';

/**
 * The embedded default: the bundled simulators for every source with no `DEVENIR_<SOURCE>_URL`, and a worker
 * in this process. Returns a stop function.
 */
export async function startEmbedded(
  app: App,
  opts: { simulators?: boolean; simulatorPort?: number; roles?: readonly WorkerRole[] } = {},
): Promise<{ simulators?: RunningSimulators; worker: RunningWorker; stop(): Promise<void> }> {
  const unconfigured = opts.simulators === false ? [] : SOURCE_IDS.filter((s) => !app.config.sources[s].url);
  const simulators = unconfigured.length
    ? await startSimulators({ port: opts.simulatorPort, only: unconfigured })
    : undefined;
  for (const s of unconfigured) app.config.sources[s].options.RATE ??= SIMULATOR_RATE;
  const urls = (simulators?.baseUrls ?? {}) as Partial<Record<SourceId, string>>;
  const worker = await startWorker(app.config, app.log, urls, opts.roles);
  if (simulators) app.log.debug({ simulators: simulators.url, sources: unconfigured }, 'simulators started');
  return {
    simulators,
    worker,
    async stop() {
      await worker.shutdown();
      await simulators?.close();
    },
  };
}
