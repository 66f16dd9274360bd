import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/scratch-dir.js';
import { createGateway } from '../../gateway.js';
import { createLogger } from '../../observability/logger.js';

const ORDERS = `apiVersion: ossa/v0.4.1
kind: Agent
metadata: { name: orders, version: 1.0.0 }
spec:
  role: You look up orders.
  llm: { provider: echo, model: echo }
  tools:
    - type: function
      name: lookup_order
      description: The status of an order
      input_schema:
        type: object
        properties: { order_id: { type: string, default: "A-1" } }
        required: [order_id]
`;

const PLAIN = `apiVersion: ossa/v0.4.1
kind: Agent
metadata: { name: plain, version: 1.0.0 }
spec:
  role: You answer.
`;

const silent = createLogger({ level: 'silent' });

describe('function tools', () => {
  it('runs a handler given to createGateway: the echo model calls it, and answers from its result', async () => {
    const dir = tempDir({ 'agents/orders.ossa.yaml': ORDERS });
    const seen: unknown[] = [];
    const gateway = await createGateway({
      config: { manifest_paths: [join(dir, 'agents')], cache: { enabled: false } },
      env: {},
      logger: silent,
      tools: {
        lookup_order: (args, context) => {
          seen.push({ args, agent: context.agent, requestId: context.requestId });
          return { order: args['order_id'], status: 'shipped' };
        },
      },
    });
    const answer = await gateway.execute('orders', 'lookup_order please', {}, { requestId: 'r-7' });
    expect(seen).toEqual([{ args: { order_id: 'A-1' }, agent: 'orders', requestId: 'r-7' }]);
    expect(answer).toMatchObject({
      output: '[echo] lookup_order: {"order":"A-1","status":"shipped"}',
      finish_reason: 'stop',
      steps: [
        { role: 'assistant', content: '', tool_calls: [{ id: 'call_echo_0_0', name: 'lookup_order', arguments: '{"order_id":"A-1"}' }] },
        { role: 'tool', tool_call_id: 'call_echo_0_0', name: 'lookup_order', content: '{"order":"A-1","status":"shipped"}' },
      ],
    });
    expect(answer.tool_calls).toBeUndefined();
    await gateway.close();
  });

  it('does not cache a run that executed tools, unless the agent says its tools only read (cache_tool_runs)', async () => {
    const dir = tempDir({ 'agents/orders.ossa.yaml': ORDERS });
    for (const [overrides, runs] of [[{}, 2], [{ orders: { cache_tool_runs: true } }, 1]] as const) {
      let calls = 0;
      const gateway = await createGateway({
        config: { manifest_paths: [join(dir, 'agents')], agents: overrides },
        env: {},
        logger: silent,
        tools: { lookup_order: () => `call ${++calls}` },
      });
      const first = await gateway.execute('orders', 'lookup_order');
      const second = await gateway.execute('orders', 'lookup_order');
      expect(calls).toBe(runs);
      expect(second.cached).toBe(runs === 1);
      expect(second.output).toBe(runs === 1 ? first.output : '[echo] lookup_order: call 2');
      await gateway.close();
    }
  });

  it('loads the handlers of tools.handlers_module, relative to the config file', async () => {
    const dir = tempDir({
      'ossa.yaml': 'ossa:\n  manifest_paths: [agents]\n  tools:\n    handlers_module: ./tools.mjs\n',
      'agents/orders.ossa.yaml': ORDERS,
      'tools.mjs': 'export async function lookup_order({ order_id }) { return `order ${order_id} is on its way`; }\n',
    });
    const gateway = await createGateway({ configPath: join(dir, 'ossa.yaml'), env: {}, logger: silent });
    const answer = await gateway.execute('orders', 'lookup_order');
    expect(answer.output).toBe('[echo] lookup_order: order A-1 is on its way');
    await gateway.close();
  });

  it('does not start an agent whose function tool has no handler, saying where; the other agents serve', async () => {
    const dir = tempDir({ 'agents/orders.ossa.yaml': ORDERS, 'agents/plain.ossa.yaml': PLAIN });
    const lines: string[] = [];
    const logger = createLogger({ level: 'error', destination: { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream });
    const gateway = await createGateway({ config: { manifest_paths: [join(dir, 'agents')] }, env: {}, logger });
    expect(gateway.routes.get('orders')?.unavailable).toBe('a tool cannot run: orders.ossa.yaml:8:7: spec.tools[0].name: function tool "lookup_order" has no handler');
    await expect(gateway.execute('orders', 'hi')).rejects.toThrow('agent "orders" cannot be executed: a tool cannot run: orders.ossa.yaml:8:7');
    expect((await gateway.execute('plain', 'hi')).output).toBe('[echo] hi');
    expect(lines.join('')).toContain('orders.ossa.yaml:8:7: spec.tools[0].name: function tool \\"lookup_order\\" has no handler');
    const app = await gateway.server();
    const described = (await app.inject({ method: 'GET', url: '/v1/agents/orders' })).json();
    expect(described).toMatchObject({ status: 'unavailable', tools: [{ name: 'lookup_order', kind: 'function', runnable: false, problem: 'spec.tools[0].name: function tool "lookup_order" has no handler' }] });
    const ready = (await app.inject({ method: 'GET', url: '/readyz' })).json();
    expect(JSON.stringify(ready)).toContain('orders');
    await gateway.close();
  });

  it('does not start an agent with a tool of a kind nobody runs', async () => {
    const dir = tempDir({ 'agents/orders.ossa.yaml': ORDERS.replace('type: function', 'type: browser') });
    const gateway = await createGateway({ config: { manifest_paths: [join(dir, 'agents')] }, env: {}, logger: silent, tools: { lookup_order: () => 'x' } });
    expect(gateway.routes.get('orders')?.unavailable).toMatch(/^a tool cannot run: orders\.ossa\.yaml:8:7: spec\.tools\[0\]\.type: tool "lookup_order": type "browser" is not a tool kind ossa-gateway runs \(function/);
    await gateway.close();
  });

  it('refuses to start when tools.handlers_module does not load', async () => {
    const dir = tempDir({ 'ossa.yaml': 'ossa:\n  manifest_paths: [agents]\n  tools:\n    handlers_module: ./missing.mjs\n', 'agents/plain.ossa.yaml': PLAIN });
    await expect(createGateway({ configPath: join(dir, 'ossa.yaml'), env: {}, logger: silent })).rejects.toThrow(/tools\.handlers_module: cannot load .*missing\.mjs/);
  });
});
