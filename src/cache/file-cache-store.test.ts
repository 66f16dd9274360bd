import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/gateway-harness.js';
import { FakeClock } from '../../test/support/test-redis.js';
import { describeCacheStoreContract } from './cache-store.contract.js';
import { FileCacheStore } from './file-cache-store.js';

describeCacheStoreContract('file', async () => {
  const clock = new FakeClock();
  const dir = tempDir();
  return { store: new FileCacheStore({ dir: join(dir, 'cache'), now: clock.now, pruneIntervalMs: 0 }), clock, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

const key = (agent: string, n: number) => ({ agent, hash: n.toString(16).padStart(64, '0') });

describe('FileCacheStore', () => {
  it('keeps entries across store instances (a restart, or another process on the same directory)', async () => {
    const dir = tempDir();
    const first = new FileCacheStore({ dir, pruneIntervalMs: 0 });
    await first.set(key('support', 1), 'kept', 60_000);
    await first.close();
    const second = new FileCacheStore({ dir, pruneIntervalMs: 0 });
    expect(await second.get(key('support', 1))).toBe('kept');
    await second.invalidateAgent('support');
    expect(await first.get(key('support', 1))).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes through a temporary file and a rename, leaving only whole entries behind', async () => {
    const dir = tempDir();
    const store = new FileCacheStore({ dir, pruneIntervalMs: 0 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(key('support', i % 3), `value-${i}-${'x'.repeat(10_000)}`, 60_000)));
    expect(readdirSync(join(dir, '.tmp'))).toEqual([]);
    for (const file of readdirSync(join(dir, 'support'))) {
      expect(JSON.parse(readFileSync(join(dir, 'support', file), 'utf8'))).toMatchObject({ value: expect.stringMatching(/^value-\d+-x{10000}$/) });
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('prunes expired entries from disk and reports them', async () => {
    const clock = new FakeClock(Date.now());
    const dir = tempDir();
    const evictions: [number, string][] = [];
    const store = new FileCacheStore({ dir, now: clock.now, pruneIntervalMs: 0, onEviction: (count, reason) => void evictions.push([count, reason]) });
    await store.set(key('support', 1), 'a', 1_000);
    await store.set(key('support', 2), 'b', 1_000);
    await store.set(key('billing', 1), 'c', 60_000);
    expect(await store.prune()).toBe(0);
    clock.advance(1_000);
    expect(await store.prune()).toBe(2);
    expect(readdirSync(join(dir, 'support'))).toEqual([]);
    expect(readdirSync(join(dir, 'billing'))).toHaveLength(1);
    expect(evictions).toEqual([[2, 'expired']]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('treats a corrupt file as a miss and removes it', async () => {
    const dir = tempDir();
    const store = new FileCacheStore({ dir, pruneIntervalMs: 0 });
    await store.set(key('support', 1), 'fine', 60_000);
    const file = join(dir, 'support', `${key('support', 1).hash}.json`);
    writeFileSync(file, '{"expiresAt": 12');
    expect(await store.get(key('support', 1))).toBeUndefined();
    expect(existsSync(file)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('never writes outside its directory, whatever the agent name', async () => {
    const root = tempDir();
    const dir = join(root, 'cache');
    const store = new FileCacheStore({ dir, pruneIntervalMs: 0 });
    await store.set({ agent: '../../escape', hash: '../x' }, 'v', 60_000);
    expect(readdirSync(root)).toEqual(['cache']);
    expect(await store.get({ agent: '../../escape', hash: '../x' })).toBe('v');
    await store.invalidateAgent('../../escape');
    expect(await store.get({ agent: '../../escape', hash: '../x' })).toBeUndefined();
    rmSync(root, { recursive: true, force: true });
  });

  it('writes entries 0600 in directories 0700, narrows a wider cache directory, and entries an older version left 0644', async () => {
    const dir = tempDir();
    const root = join(dir, 'cache');
    mkdirSync(root, { mode: 0o755 });
    chmodSync(root, 0o755);
    const store = new FileCacheStore({ dir: root, pruneIntervalMs: 0 });
    await store.set(key('support', 1), 'private', 60_000);
    const mode = (path: string) => statSync(path).mode & 0o777;
    expect(mode(root)).toBe(0o700);
    expect(mode(join(root, 'support'))).toBe(0o700);
    expect(mode(join(root, '.tmp'))).toBe(0o700);
    const entry = join(root, 'support', `${key('support', 1).hash}.json`);
    expect(mode(entry)).toBe(0o600);
    chmodSync(entry, 0o644);
    chmodSync(join(root, 'support'), 0o755);
    await store.prune();
    expect(mode(entry)).toBe(0o600);
    expect(mode(join(root, 'support'))).toBe(0o700);
    expect(await store.get(key('support', 1))).toBe('private');
    rmSync(dir, { recursive: true, force: true });
  });
});
