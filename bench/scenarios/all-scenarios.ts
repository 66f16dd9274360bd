import { cacheHitScenario } from './cache-hit.js';
import { cacheMissScenario } from './cache-miss.js';
import { circuitOpenScenario } from './circuit-open.js';
import { fixedRateScenario } from './fixed-rate.js';
import { memorySoakScenario } from './memory-soak.js';
import { mockCapacityScenario } from './mock-capacity.js';
import { rateLimitScenario } from './rate-limit.js';
import type { Scenario } from './scenario.js';
import { streamingScenario } from './streaming.js';
import { toolLoopScenario } from './tool-loop.js';
import { workersScenario } from './workers.js';

/** Every scenario, in run order: the mock's capacity first, the soak (only with --soak) last. */
export const ALL_SCENARIOS: readonly Scenario[] = [
  mockCapacityScenario,
  cacheMissScenario,
  fixedRateScenario,
  cacheHitScenario,
  rateLimitScenario,
  circuitOpenScenario,
  streamingScenario,
  toolLoopScenario,
  workersScenario,
  memorySoakScenario,
];
