import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startInMemoryTracing, type InMemoryTracing } from '../../test/support/in-memory-tracing.js';
import { tempDir } from '../../test/support/scratch-dir.js';
import type { GatewayEvent } from '../events/gateway-events.js';
import { createGateway } from '../gateway.js';
import { createLogger } from '../observability/logger.js';

const AGENT = `apiVersion: ossa/v0.4.1
kind: Agent
metadata: { name: orders, version: 1.0.0 }
spec:
  role: You look up orders.
  llm: { provider: echo, model: echo }
  tools:
    - { type: function, name: lookup_order, description: Finds an order }
    - { type: function, name: cancel_order }
`;

describe('tool call events and spans', () => {
  let tracing: InMemoryTracing;
  beforeAll(() => {
    tracing = startInMemoryTracing();
  });
  afterAll(() => tracing.stop());

  it('dispatches tool.start and tool.complete / tool.error, and makes an execute_tool span per call under the agent span', async () => {
    const dir = tempDir({ 'agents/orders.ossa.yaml': AGENT });
    const gateway = await createGateway({
      config: { manifest_paths: [join(dir, 'agents')], cache: { enabled: false } },
      env: {},
      logger: createLogger({ level: 'silent' }),
      tools: { lookup_order: () => 'shipped', cancel_order: () => Promise.reject(new Error('cannot cancel a shipped order')) },
    });
    const seen: GatewayEvent[] = [];
    for (const type of ['tool.start', 'tool.complete', 'tool.error'] as const) gateway.events.on(type, (event) => void seen.push(event));
    await gateway.execute('orders', 'lookup_order then cancel_order', {}, { requestId: 'r-span' });
    await gateway.close();

    expect(seen.map((e) => [e.type, 'tool' in e ? e.tool : ''])).toEqual([
      ['tool.start', 'lookup_order'],
      ['tool.start', 'cancel_order'],
      ['tool.complete', 'lookup_order'],
      ['tool.error', 'cancel_order'],
    ]);
    expect(seen[3]).toMatchObject({ outcome: 'error', kind: 'function', known: true, requestId: 'r-span', message: 'cancel_order failed: cannot cancel a shipped order' });
    const agent = tracing.span('invoke_agent orders');
    const lookup = tracing.span('execute_tool lookup_order');
    const cancel = tracing.span('execute_tool cancel_order');
    expect(lookup.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_order', 'gen_ai.tool.type': 'function', 'gen_ai.tool.description': 'Finds an order' });
    expect(lookup.parentSpanContext?.spanId).toBe(agent.spanContext().spanId);
    expect(cancel.status.code).toBe(2);
    expect(cancel.attributes['error.type']).toBe('error');
  });
});
