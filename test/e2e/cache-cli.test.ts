import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileCacheStore } from '../../src/cache/file-cache-store.js';
import { agentManifest, tempDir } from '../support/gateway-harness.js';
import { runCli } from '../support/cli-process.js';

const key = (agent: string, n: number) => ({ agent, hash: n.toString(16).padStart(64, '0') });

describe('ossa-gateway cache:clear', () => {
  it("clears one agent's entries, then all of them, in a file store", async () => {
    const dir = tempDir({
      'ossa.yaml': 'ossa:\n  manifest_paths: [agents]\n  cache: { storage: file, path: var/cache }\n',
      'agents/support.ossa.yaml': agentManifest('support'),
      'agents/billing.ossa.yaml': agentManifest('billing'),
    });
    const store = new FileCacheStore({ dir: join(dir, 'var/cache'), pruneIntervalMs: 0 });
    await store.set(key('support', 1), 'a', 60_000);
    await store.set(key('billing', 1), 'b', 60_000);

    const one = await runCli(['cache:clear', 'support'], { cwd: dir });
    expect(one.code).toBe(0);
    expect(one.stdout).toBe(`cleared the cached responses of agent support in the file cache at ${join(dir, 'var/cache')}\n`);
    expect(await store.get(key('support', 1))).toBeUndefined();
    expect(await store.get(key('billing', 1))).toBe('b');

    const all = await runCli(['cache:clear'], { cwd: dir });
    expect(all.code).toBe(0);
    expect(await store.get(key('billing', 1))).toBeUndefined();
    expect(readdirSync(join(dir, 'var/cache')).filter((name) => !name.startsWith('.'))).toEqual([]);
    await store.close();
  });

  it('explains why it cannot clear a memory cache or a disabled one', async () => {
    const memory = tempDir({ 'ossa.yaml': 'ossa:\n  manifest_paths: [agents]\n', 'agents/support.ossa.yaml': agentManifest('support') });
    const run = await runCli(['cache:clear'], { cwd: memory });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cache\.storage is memory: each gateway process holds its own cache.*DELETE \/v1\/cache/);
    const disabled = tempDir({ 'ossa.yaml': 'ossa:\n  manifest_paths: [agents]\n  cache: { enabled: false }\n', 'agents/support.ossa.yaml': agentManifest('support') });
    const off = await runCli(['cache:clear'], { cwd: disabled });
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/the response cache is disabled/);
    expect(existsSync(join(disabled, 'var'))).toBe(false);
  });

  it('is listed in the help', async () => {
    const help = await runCli(['--help'], { cwd: process.cwd() });
    expect(help.stdout).toMatch(/\n  cache:clear +clear the response cache, or one agent's entries\n/);
  });
});
