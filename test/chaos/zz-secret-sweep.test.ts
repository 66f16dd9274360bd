import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHAOS_SECRETS, readChaosArtifacts, saveChaosArtifact } from '../support/chaos-artifacts.js';

// Runs last (test/support/chaos-sequencer.ts sorts by name): every log, audit file, error body
// and /metrics output the chaos scenarios saved is searched for the fake keys they all run with,
// whole, case-folded (an upstream that echoes `sk_ant_...` for `sk-ant-...`) and in part.

/**
 * Every fake key's distinctive middle (`CHAOS<kind>SECRET`), in any case and snake-cased: finds
 * a key even when cut short, re-encoded or case-folded around it.
 */
const FRAGMENT = /chaos[a-z_]*secret/i;
/** Scenarios of this suite that always save a log, audit records and a /metrics scrape. */
const SCENARIOS_WITH_LOGS = ['fuzz-http', 'auth-probes', 'hostile-upstream'];
/** How upstreams fold a key they echo: lower case, `-` as `_`. The sweep reads every line folded too. */
const fold = (text: string): string => text.toLowerCase().replace(/-/g, '_');
const MIN_BYTES = 64 * 1024;

describe('secret sweep over everything the chaos suite saved', () => {
  const artifacts = readChaosArtifacts();
  const bytes = artifacts.reduce((sum, a) => sum + Buffer.byteLength(a.text), 0);

  it('has something to sweep: the scenarios saved their logs, audit files and /metrics output', () => {
    const hint = 'the sweep needs what the scenarios saved: run the whole suite (npm run test:chaos)';
    expect(artifacts.length, hint).toBeGreaterThan(0);
    expect(bytes, `${hint}; only ${bytes} bytes in ${artifacts.length} files`).toBeGreaterThanOrEqual(MIN_BYTES);
    for (const scenario of SCENARIOS_WITH_LOGS.filter((name) => existsSync(new URL(`./${name}.test.ts`, import.meta.url)))) {
      const saved = artifacts.map((a) => a.name).filter((name) => name.startsWith(`${scenario}.`));
      for (const kind of ['.log', '.metrics.txt', '.audit.']) expect(saved.some((name) => name.includes(kind)), `${scenario}: no ${kind} artifact; ${hint}`).toBe(true);
    }
  });

  it('finds no fake key, nor any part of one, in any line of any artifact', () => {
    const hits: string[] = [];
    for (const { name, text } of artifacts) {
      text.split('\n').forEach((line, index) => {
        const folded = fold(line);
        for (const [kind, secret] of Object.entries(CHAOS_SECRETS)) {
          if (line.includes(secret)) hits.push(`${name}:${index + 1}: the ${kind}`);
          else if (folded.includes(fold(secret))) hits.push(`${name}:${index + 1}: the ${kind}, case-folded`);
        }
        const fragment = FRAGMENT.exec(line);
        if (fragment && !Object.values(CHAOS_SECRETS).some((secret) => folded.includes(fold(secret)))) hits.push(`${name}:${index + 1}: part of a key ("${fragment[0]}")`);
      });
    }
    const summary = `secret sweep: ${artifacts.length} files, ${bytes} bytes, ${hits.length} hits`;
    console.log(summary);
    saveChaosArtifact('zz-secret-sweep.summary.txt', summary);
    expect(hits.slice(0, 50)).toEqual([]);
  });
});
