import buildDist from './global-setup.js';
import { resetChaosArtifacts } from './chaos-artifacts.js';

/** The chaos suite's global setup: a fresh `dist/` for the spawned gateways, an empty artifact dir. */
export default function setup(): void {
  buildDist();
  resetChaosArtifacts();
}
