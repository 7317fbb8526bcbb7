import type { SourceId } from '../config.js';
import { acceSimulator } from './acce.js';
import { bcnSimulator } from './bcn.js';
import { catalogueApprentissageSimulator } from './catalogue-apprentissage.js';
import { certifinfoApiSimulator } from './certifinfo-api.js';
import { certifinfoSimulator } from './certifinfo.js';
import { inserjeunesSimulator } from './inserjeunes.js';
import { insersupSimulator } from './insersup.js';
import { onisepSimulator } from './onisep.js';
import { parcoursupSimulator } from './parcoursup.js';
import { quiformeSimulator } from './quiforme.js';
import { startSimulatorServer, type RunningSimulators, type SourceSimulator } from './server.js';

/** Every source's simulator, in source-id order. */
export const SIMULATORS: SourceSimulator[] = [
  inserjeunesSimulator,
  insersupSimulator,
  bcnSimulator,
  onisepSimulator,
  acceSimulator,
  catalogueApprentissageSimulator,
  certifinfoSimulator,
  certifinfoApiSimulator,
  quiformeSimulator,
  parcoursupSimulator,
];

/** Starts all simulators on one loopback port (0 = any free port). */
export function startSimulators(opts: { port?: number; only?: SourceId[] } = {}): Promise<RunningSimulators> {
  const sims = opts.only ? SIMULATORS.filter((s) => opts.only!.includes(s.source)) : SIMULATORS;
  return startSimulatorServer(sims, { port: opts.port });
}
