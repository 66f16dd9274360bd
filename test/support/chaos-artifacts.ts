import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What the reliability suite saw, kept for the final secret sweep: every scenario saves the logs,
 * audit files, error bodies and `/metrics` output it produced here, and
 * test/chaos/zz-secret-sweep.test.ts (run last, see chaos-sequencer.ts) greps them all for the
 * fake secrets below. The directory is emptied when a chaos run starts.
 */
export const CHAOS_ARTIFACT_DIR = fileURLToPath(new URL('../chaos/.artifacts', import.meta.url));

/**
 * Recognisable fake secrets, shaped like the real ones (provider prefixes pass the key checks).
 * Every chaos scenario configures its keys from these, so one grep finds any leak.
 */
export const CHAOS_SECRETS = {
  anthropicKey: 'sk-ant-api03-CHAOSanthropicSECRET7f3a9c1e5b2d8f4a6c0e9b7d5f3a1c8e',
  openaiKey: 'sk-proj-CHAOSopenaiSECRET4b8d2f6a0c9e7b5d3f1a8c6e4b2d0f9a7c5e',
  clientKey: 'ossa-client-CHAOSclientSECRET9e7c5a3f1d8b6e4c2a0f8d6b4e2c0a9f',
  otherClientKey: 'ossa-client-CHAOSotherSECRET1a3c5e7f9b2d4f6a8c0e2b4d6f8a0c2e',
  adminKey: 'ossa-admin-CHAOSadminSECRET2c4e6a8f0b1d3f5a7c9e1b3d5f7a9c1e3',
  metricsToken: 'ossa-metrics-CHAOSmetricsSECRET6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c',
} as const;

/** The part of every fake secret that no legitimate output contains. */
export const CHAOS_SECRET_MARKER = 'SECRET';

export function resetChaosArtifacts(): void {
  rmSync(CHAOS_ARTIFACT_DIR, { recursive: true, force: true });
  mkdirSync(CHAOS_ARTIFACT_DIR, { recursive: true });
}

/** Appends `text` to the artifact `name` (one file per scenario and kind, e.g. `redis-outage.log`). */
export function saveChaosArtifact(name: string, text: string): void {
  mkdirSync(CHAOS_ARTIFACT_DIR, { recursive: true });
  appendFileSync(join(CHAOS_ARTIFACT_DIR, name.replace(/[^a-zA-Z0-9._-]/g, '_')), text.endsWith('\n') ? text : `${text}\n`);
}

export function readChaosArtifacts(): { name: string; text: string }[] {
  let names: string[];
  try {
    names = readdirSync(CHAOS_ARTIFACT_DIR);
  } catch {
    return [];
  }
  return names.sort().map((name) => ({ name, text: readFileSync(join(CHAOS_ARTIFACT_DIR, name), 'utf8') }));
}
