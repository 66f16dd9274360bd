import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { agentManifest, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { useMockUpstreams } from '../support/mock-upstreams.js';

/*
 * The live status page in a real browser: Debian's Chromium, driven by playwright-core (no
 * browser download). `.ci/run` installs Chromium; where it is still missing, this file is
 * skipped with a note. `UPDATE_SCREENSHOT=1 npx vitest run test/e2e/status-page-browser`
 * refreshes docs/status-page.png, which the README shows.
 */

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) console.log(`status page browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const ANTHROPIC_KEY = 'sk-ant-TESTKEY-browser-HHHHHHHHHH';
const OPENAI_KEY = 'sk-TESTKEY-browser-IIIIIIIIII';
const ADMIN_KEY = 'admin-TESTKEY-browser-JJJJJJJJJJ';
const SCREENSHOT = fileURLToPath(new URL('../../docs/status-page.png', import.meta.url));
const UPDATE_SCREENSHOT = process.env['UPDATE_SCREENSHOT'] === '1';
/** Traffic is paced only for the README's screenshot, so its per-second chart has a shape. */
const PACE_MS = UPDATE_SCREENSHOT ? 150 : 0;

async function launch(userDataDir: string, options: { httpCredentials?: { username: string; password: string } } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1360, height: 900 },
    ...options,
  });
}

/** Errors the page itself reports: script errors, CSP violations, failed loads. */
function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

describe.skipIf(!HAS_CHROMIUM)('the live status page in Chromium', () => {
  const { anthropic, openai } = useMockUpstreams();
  let t: TestGateway;
  let profile: string;
  let browser: BrowserContext;

  beforeAll(async () => {
    t = await startTestGateway({
      ossa: {
        providers: {
          // No retries and no fallback: each failing request is one failure the page lists, and the fifth opens the circuit.
          claude: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, timeout: 2, max_retries: 0, circuit_breaker: { failure_threshold: 5 } },
          gpt: { type: 'openai', api_key: '${OPENAI_API_KEY}', base_url: openai.url, model: 'gpt-4o' },
          ollama: { type: 'openai-compatible', base_url: 'http://127.0.0.1:9/v1', api_key: '${OLLAMA_KEY}', model: 'llama3.2' },
        },
        // The real front layers: the page's hit rate and rejections come from them.
        rate_limit: { enabled: true },
        cache: { enabled: true },
      },
      agents: {
        'customer-support': agentManifest('customer-support', { provider: 'anthropic', model: 'claude-sonnet-4-5' }),
        'code-reviewer': agentManifest('code-reviewer', { provider: 'openai', model: 'gpt-4o' }),
        // One request per minute: a burst of four gets three 429s.
        faq: agentManifest('faq', { provider: 'echo', model: 'echo' }, '  safety:\n    rate_limiting:\n      requests_per_minute: 1\n      burst_limit: 1\n'),
      },
      env: { ANTHROPIC_API_KEY: ANTHROPIC_KEY, OPENAI_API_KEY: OPENAI_KEY },
    });
    profile = mkdtempSync(join(tmpdir(), 'ossa-chromium-'));
    browser = await launch(profile);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /**
   * Real requests through the gateway, two at a time: `count` to each upstream's agent. Support
   * questions repeat every six, so the cache answers some of them (no upstream call).
   */
  async function traffic(count: number, paceMs = 0): Promise<void> {
    for (let i = 0; i < count; i++) {
      const answers = await Promise.all([
        t.post('/v1/agents/customer-support/execute', { input: `order ${i % 6}` }),
        t.post('/v1/agents/code-reviewer/execute', { input: `diff ${i}` }),
      ]);
      for (const res of answers) await res.arrayBuffer();
      if (paceMs > 0) await new Promise((resolve) => setTimeout(resolve, paceMs));
    }
  }

  /** A burst at the rate-limited agent: one answer, then 429s. */
  async function burst(count: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      const res = await t.post('/v1/agents/faq/execute', { input: `faq ${i}` });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    return statuses;
  }

  it('shows the traffic, then a provider turning open and its errors, live', async () => {
    const page = await browser.newPage();
    onTestFinished(() => page.close());
    const pageErrors = watchPageErrors(page);
    await page.goto(`${t.url}/status`);
    await page.locator('[data-provider="claude"][data-state="closed"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-provider="gpt"] .badge').textContent()).toBe('closed');
    expect(await page.locator('[data-provider="ollama"]').getAttribute('data-state')).toBe('disabled');

    await traffic(16, PACE_MS);
    expect(await burst(4)).toEqual([200, 429, 429, 429]);
    // The upstream starts failing: five failures in a row open claude's circuit, for real.
    anthropic.fail({ status: 500, times: 5, message: 'overloaded, try again later' });
    for (let i = 0; i < 5; i++) {
      const res = await t.post('/v1/agents/customer-support/execute', { input: 'my confidential question' });
      expect(res.status).toBe(503);
      await res.arrayBuffer();
      if (PACE_MS > 0) await new Promise((resolve) => setTimeout(resolve, PACE_MS));
    }
    expect(t.gateway.circuits.get('claude')!.state).toBe('open');
    // Repeated questions are still answered from the cache while the circuit is open.
    await traffic(3);

    await page.locator('[data-provider="claude"][data-state="open"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-provider="claude"] .badge').textContent()).toBe('open');
    await expect.poll(() => page.locator('#errors tr').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
    const firstError = await page.locator('#errors tr').first().textContent();
    expect(firstError).toContain('customer-support');
    expect(firstError).toContain('claude answered 500');
    await expect.poll(async () => Number.parseFloat((await page.locator('#rps').textContent()) ?? '0'), { timeout: 5_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await page.locator('#error-rate').textContent()) ?? '', { timeout: 5_000 }).toMatch(/^\d+(\.\d)?%$/);
    expect(await page.locator('#error-rate').textContent()).not.toBe('0%');
    expect(await page.locator('#p95').textContent()).toMatch(/ms|s$/);
    // Misses: support's 6 distinct questions, 16 reviews, one faq answer, the 5 failed questions
    // (errors are never stored). Hits: support's 10 repeats, then 3 support and 3 review repeats.
    await expect.poll(async () => page.locator('#hit-sub').textContent(), { timeout: 5_000 }).toBe('16 hits, 28 misses');
    expect(await page.locator('#hit-rate').textContent()).toBe('36%');
    expect(await page.locator('#rejections').textContent()).toBe('3');
    expect(await page.locator('#rejections-sub').textContent()).toBe('user 0 \u00b7 global 0 \u00b7 agent 3');
    expect(await page.locator('#tile-errors').getAttribute('class')).toMatch(/bad|warn/);

    const html = await page.content();
    for (const secret of [ANTHROPIC_KEY, OPENAI_KEY, 'TESTKEY', 'my confidential question']) expect(html).not.toContain(secret);
    expect(pageErrors).toEqual([]);

    const shot = join(profile, 'status-page.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
    if (UPDATE_SCREENSHOT) {
      mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    }
  });

  it('shows the gateway going away, and coming back, without a reload', async () => {
    const page = await browser.newPage();
    onTestFinished(() => page.close());
    await page.route('**/status.json', (route) => route.fulfill({ status: 503, body: '{}' }));
    await page.goto(`${t.url}/status`);
    await page.locator('#banner.shown').waitFor({ timeout: 10_000 });
    expect(await page.locator('#banner').textContent()).toMatch(/No data from the gateway: the gateway answered 503/);
    expect(await page.locator('#dot').getAttribute('class')).toContain('lost');
    await page.unroute('**/status.json');
    await page.locator('#banner').waitFor({ state: 'hidden', timeout: 10_000 });
    expect(await page.locator('#dot').getAttribute('class')).toContain('on');
  });
});

describe.skipIf(!HAS_CHROMIUM)('the status page behind an admin key, in Chromium', () => {
  it('lets an operator in with the key at the browser\'s login prompt, and keeps polling', async () => {
    const t = await startTestGateway({
      ossa: { security: { clients: [{ id: 'app', key: 'client-key-value-1' }], admin_keys: ['${ADMIN_KEY}'] } },
      agents: { a: agentManifest('a') },
      env: { ADMIN_KEY },
    });
    const profile = mkdtempSync(join(tmpdir(), 'ossa-chromium-'));
    const browser = await launch(profile, { httpCredentials: { username: 'operator', password: ADMIN_KEY } });
    try {
      const page = await browser.newPage();
      const response = await page.goto(`${t.url}/status`);
      expect(response?.status()).toBe(200);
      await page.locator('[data-provider="echo"]').waitFor({ timeout: 10_000 });
      await (await t.post('/v1/agents/a/execute', { input: 'x' })).arrayBuffer();
      await expect.poll(async () => (await page.locator('#rps-sub').textContent()) ?? '', { timeout: 5_000 }).toMatch(/^1 requests/);
      expect(await page.content()).not.toContain(ADMIN_KEY);
    } finally {
      await browser.close();
      await t.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
