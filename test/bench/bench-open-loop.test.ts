import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenLoopGenerator } from '../../bench/load/open-loop.js';
import { percentiles } from '../../bench/load/percentiles.js';
import { FIRST_TOKEN } from '../../bench/mock/mock-bodies.js';
import { MockUpstream } from '../../bench/mock/mock-upstream.js';
import { directRequest } from '../../bench/requests/bench-requests.js';
import { fillBody, isUnique } from '../../bench/requests/load-request.js';
import { repoPaths } from '../../bench/repo-paths.js';

describe('the open-loop generator', () => {
  let mock: MockUpstream;
  let origin: string;
  const bench = repoPaths().bench;

  beforeEach(async () => {
    mock = new MockUpstream({ delayMs: 0, chunkDelayMs: 0 });
    origin = `http://127.0.0.1:${await mock.listen(0)}`;
  });

  afterEach(async () => {
    await mock.close();
  });

  it('sends rate x duration requests on schedule and times every answer', async () => {
    const generator = new OpenLoopGenerator({ origin, request: directRequest(bench, { unique: true }), rate: 100 });
    try {
      const result = await generator.run(0.3, 'a');
      expect(result).toMatchObject({ scheduled: 30, completed: 30, errors: 0, statuses: { 200: 30 }, missingFirstToken: 0 });
      expect(result.latencyMs.count).toBe(30);
      expect(result.latencyMs.p50).toBeGreaterThan(0);
      expect(mock.stats.total).toBe(30);
    } finally {
      await generator.close();
    }
  });

  it('times the first token of streams separately from their end', async () => {
    mock.settings = { delayMs: 0, chunkDelayMs: 2 };
    const generator = new OpenLoopGenerator({ origin, request: directRequest(bench, { unique: true, stream: true }), rate: 50, firstTokenMarker: FIRST_TOKEN });
    try {
      const result = await generator.run(0.2, 'b');
      expect(result).toMatchObject({ completed: 10, missingFirstToken: 0 });
      expect(result.firstTokenMs?.count).toBe(10);
      // The other deltas follow 2 ms apart: the end comes well after the first token.
      expect(result.latencyMs.p50).toBeGreaterThan(result.firstTokenMs!.p50 + 20);
      expect(mock.stats.streams).toBe(10);
    } finally {
      await generator.close();
    }
  });
});

describe('load requests', () => {
  it('fill a unique slot per request, and leave fixed bodies alone', () => {
    const unique = directRequest(repoPaths().bench, { unique: true });
    expect(isUnique(unique)).toBe(true);
    expect(JSON.parse(fillBody(unique, 'r1-7')).messages.at(-1).content).toContain('#r1-7');
    const fixed = directRequest(repoPaths().bench, { unique: false });
    expect(isUnique(fixed)).toBe(false);
    expect(fillBody(fixed, 'r1-7')).toBe(fixed.body);
  });

  it('send the bench agent its own system prompt, as the gateway would', () => {
    const body = JSON.parse(directRequest(repoPaths().bench, { unique: false }).body) as { messages: { role: string; content: string }[] };
    expect(body.messages[0]?.role).toBe('system');
    expect(body.messages[0]?.content).toMatch(/^You are the first-line support agent of Northwind Outfitters/);
  });
});

describe('percentiles', () => {
  it('are nearest-rank over the values', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(values)).toEqual({ p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5, count: 100 });
    expect(percentiles(new Float64Array(0)).count).toBe(0);
  });
});
