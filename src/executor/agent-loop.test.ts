import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModelCall, ModelResult, ToolCall } from '../providers/provider.js';
import { KnownSecrets } from '../secrets/known-secrets.js';
import type { ServerTool, ToolOutput, ToolRunContext } from '../tools/server-tool.js';
import { agentLoop, type AgentLoopRun, type LoopOutcome, type LoopStep } from './agent-loop.js';

const SECRET = 'sk-live-0123456789abcdefghij';

/** A model scripted turn by turn: each entry answers one call (tool calls, or text). */
function scriptedModel(turns: (Partial<ModelResult> | ((call: ModelCall) => Partial<ModelResult>))[]) {
  const calls: ModelCall[] = [];
  const signals: AbortSignal[] = [];
  const ask: AgentLoopRun['ask'] = async function* (call, signal) {
    calls.push(call);
    signals.push(signal);
    const next = turns.shift();
    if (next === undefined) throw new Error('the model was asked more often than scripted');
    const answer = typeof next === 'function' ? next(call) : next;
    if (answer.text === 'HANG') {
      await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
    }
    const toolCalls = answer.toolCalls ?? [];
    return { text: '', model: 'm', provider: 'p', usage: { inputTokens: 10, outputTokens: 5 }, finishReason: toolCalls.length > 0 ? 'tool_calls' : 'stop', ...answer };
  };
  return { ask, calls, signals };
}

const call = (id: string, name: string, args: unknown = {}): ToolCall => ({ id, name, arguments: JSON.stringify(args) });

function tool(name: string, run: (args: Readonly<Record<string, unknown>>, context: ToolRunContext) => Promise<ToolOutput>, extra: Partial<ServerTool> = {}): ServerTool {
  return {
    kind: 'function',
    definition: { name, parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false } },
    timeoutMs: 1000,
    run,
    ...extra,
  };
}

const firstCall: ModelCall = {
  model: 'm', system: 'sys', messages: [{ role: 'user', content: 'look up order 42' }], temperature: 0, maxTokens: 100,
  meta: { requestId: 'r-1', agent: { name: 'orders', version: '1.0.0' }, toolsCount: 0 },
};

async function drive(run: AgentLoopRun): Promise<{ steps: LoopStep[]; outcome: LoopOutcome }> {
  const loop = agentLoop(run);
  const steps: LoopStep[] = [];
  for (let step = await loop.next(); ; step = await loop.next()) {
    if (step.done) return { steps, outcome: step.value };
    steps.push(step.value);
  }
}

function loopRun(ask: AgentLoopRun['ask'], tools: ServerTool[], overrides: Partial<Omit<AgentLoopRun, 'limits'>> & { limits?: Partial<AgentLoopRun['limits']> } = {}): AgentLoopRun {
  const { limits, ...rest } = overrides;
  return {
    ask,
    call: firstCall,
    sources: [{ tools: () => tools, unavailable: () => undefined }],
    limits: { maxTurns: 10, concurrency: 4, maxResultBytes: 1000, ...limits },
    approval: [],
    signal: new AbortController().signal,
    secrets: new KnownSecrets([SECRET]),
    now: () => Date.now(),
    ...rest,
  };
}

describe('agentLoop', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('offers the tools, runs the call, sends the result back, and ends with the answer that calls none', async () => {
    const model = scriptedModel([{ toolCalls: [call('c1', 'lookup_order', { id: '42' })] }, { text: 'Order 42 shipped.' }]);
    const lookup = tool('lookup_order', async (args) => ({ content: `order ${String(args['id'])}: shipped` }));
    const { outcome } = await drive(loopRun(model.ask, [lookup]));

    expect(model.calls[0]!.tools?.map((t) => t.name)).toEqual(['lookup_order']);
    expect(model.calls[1]!.messages.slice(1)).toEqual([
      { role: 'assistant', content: '', toolCalls: [call('c1', 'lookup_order', { id: '42' })] },
      { role: 'tool', toolCallId: 'c1', name: 'lookup_order', content: 'order 42: shipped' },
    ]);
    expect(outcome).toMatchObject({ finishReason: 'stop', turns: 2, toolCalls: 1, clientCalls: [], pendingApproval: [] });
    expect(outcome.result.text).toBe('Order 42 shipped.');
    expect(outcome.result.usage).toEqual({ inputTokens: 20, outputTokens: 10 });
    expect(outcome.result.attempts).toBe(2);
  });

  it('runs two calls of one answer at the same time, and answers them in the order they were asked', async () => {
    const release: Record<string, () => void> = {};
    let running = 0;
    let most = 0;
    const slow = tool('lookup_order', (args) => new Promise<ToolOutput>((resolve) => {
      running += 1;
      most = Math.max(most, running);
      release[String(args['id'])] = () => {
        running -= 1;
        resolve({ content: `order ${String(args['id'])}` });
      };
    }));
    const model = scriptedModel([{ toolCalls: [call('a', 'lookup_order', { id: '1' }), call('b', 'lookup_order', { id: '2' })] }, { text: 'done' }]);
    const loop = agentLoop(loopRun(model.ask, [slow]));
    const seen: string[] = [];
    const pump = (async () => {
      for (let step = await loop.next(); !step.done; step = await loop.next()) {
        if (step.value.type === 'tool_call') seen.push(`start ${step.value.call.id}`);
        if (step.value.type === 'tool_result') seen.push(`end ${step.value.report.call.id}`);
        if (step.value.type === 'tool_call' && step.value.call.id === 'b') setTimeout(() => { release['2']!(); release['1']!(); }, 10);
      }
    })();
    await vi.advanceTimersByTimeAsync(20);
    await pump;
    expect(most).toBe(2);
    expect(seen).toEqual(['start a', 'start b', 'end b', 'end a']);
    expect(model.calls[1]!.messages.slice(2).map((m) => (m.role === 'tool' ? m.toolCallId : m.role))).toEqual(['a', 'b']);
  });

  it('runs no more calls at once than the concurrency allows', async () => {
    let running = 0;
    let most = 0;
    const counted = tool('lookup_order', async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return { content: 'ok' };
    });
    const calls = ['1', '2', '3', '4', '5'].map((id) => call(`c${id}`, 'lookup_order', { id }));
    const model = scriptedModel([{ toolCalls: calls }, { text: 'done' }]);
    const done = drive(loopRun(model.ask, [counted], { limits: { concurrency: 2 } }));
    await vi.advanceTimersByTimeAsync(50);
    const { outcome } = await done;
    expect(most).toBe(2);
    expect(outcome.toolCalls).toBe(5);
  });

  it('tells the model about a tool that throws, invalid arguments and a tool past its timeout, and goes on', async () => {
    const throws = tool('explode', async () => {
      throw new Error(`database refused the key ${SECRET}`);
    });
    let sawAbort = false;
    const hangs = tool('hang', (_args, context) => new Promise<ToolOutput>(() => {
      context.signal.addEventListener('abort', () => (sawAbort = true));
    }), { timeoutMs: 2000 });
    let ranWithBadArgs = false;
    const strict = tool('lookup_order', async () => {
      ranWithBadArgs = true;
      return { content: 'never' };
    });
    const model = scriptedModel([
      { toolCalls: [call('t1', 'explode', { id: 'x' }), call('t2', 'hang', { id: 'y' }), call('t3', 'lookup_order', { id: 42 }), { id: 't4', name: 'lookup_order', arguments: '{not json' }] },
      { text: 'sorry' },
    ]);
    const done = drive(loopRun(model.ask, [throws, hangs, strict]));
    await vi.advanceTimersByTimeAsync(2001);
    const { outcome } = await done;

    const results = model.calls[1]!.messages.filter((m) => m.role === 'tool');
    expect(results.map((m) => [m.toolCallId, m.isError])).toEqual([['t1', true], ['t2', true], ['t3', true], ['t4', true]]);
    expect(results[0]!.content).toBe('explode failed: database refused the key [redacted]');
    expect(results[1]!.content).toBe('hang: the tool did not answer within 2 s');
    expect(results[2]!.content).toBe('lookup_order: invalid arguments: /id must be string');
    expect(results[3]!.content).toBe('lookup_order: the arguments are not valid JSON');
    expect(ranWithBadArgs).toBe(false);
    expect(sawAbort).toBe(true);
    expect(outcome.finishReason).toBe('stop');
  });

  it('cuts a long result to max_result_bytes, saying so, and redacts the secrets in it', async () => {
    const big = tool('lookup_order', async () => ({ content: `${SECRET} ${'x'.repeat(5000)}` }));
    const model = scriptedModel([{ toolCalls: [call('c1', 'lookup_order', { id: '1' })] }, { text: 'ok' }]);
    await drive(loopRun(model.ask, [big], { limits: { maxResultBytes: 100 } }));
    const result = model.calls[1]!.messages.at(-1)!;
    expect(result.role === 'tool' && typeof result.content === 'string' ? result.content : '').toMatch(/^\[redacted\] x+\n\[truncated: the result was 5011 bytes, the limit is 100\]$/);
  });

  it('stops at max_turns with the partial transcript, without asking the model again', async () => {
    const always = (): Partial<ModelResult> => ({ text: 'again', toolCalls: [call(`c${Math.random()}`, 'lookup_order', { id: '1' })] });
    const model = scriptedModel([always, always, always, always]);
    const { outcome } = await drive(loopRun(model.ask, [tool('lookup_order', async () => ({ content: 'ok' }))], { limits: { maxTurns: 2 } }));
    expect(outcome.finishReason).toBe('max_turns');
    expect(model.calls).toHaveLength(2);
    expect(outcome.transcript.map((m) => m.role)).toEqual(['assistant', 'tool', 'assistant', 'tool']);
    expect(outcome.result.text).toBe('again\n\nagain');
  });

  it('stops at max_tool_calls before running a call past the limit', async () => {
    let runs = 0;
    const counted = tool('lookup_order', async () => ({ content: `run ${++runs}` }));
    const model = scriptedModel([
      { toolCalls: [call('a', 'lookup_order', { id: '1' }), call('b', 'lookup_order', { id: '2' })] },
      { toolCalls: [call('c', 'lookup_order', { id: '3' })] },
    ]);
    const { outcome } = await drive(loopRun(model.ask, [counted], { limits: { maxToolCalls: 2 } }));
    expect(outcome).toMatchObject({ finishReason: 'max_tool_calls', toolCalls: 2, turns: 2 });
    expect(runs).toBe(2);
    expect(outcome.transcript.map((m) => m.role)).toEqual(['assistant', 'tool', 'tool']);
  });

  it('ends at the run deadline while a tool runs, with finish_reason timeout, not a failure', async () => {
    const start = Date.now();
    const hangs = tool('lookup_order', () => new Promise<ToolOutput>(() => undefined), { timeoutMs: 60_000 });
    const model = scriptedModel([{ toolCalls: [call('a', 'lookup_order', { id: '1' })] }]);
    const done = drive(loopRun(model.ask, [hangs], { limits: { deadline: start + 3000 } }));
    await vi.advanceTimersByTimeAsync(3001);
    const { outcome } = await done;
    expect(outcome.finishReason).toBe('timeout');
    expect(outcome.transcript.at(-1)).toMatchObject({ role: 'tool', isError: true });
    expect(model.calls).toHaveLength(1);
  });

  it('pauses before a tool that needs approval: it is not run, the run waits with the pending call', async () => {
    let ran = false;
    const refund = tool('refund', async () => {
      ran = true;
      return { content: 'refunded' };
    });
    const lookup = tool('lookup_order', async () => ({ content: 'order 1' }));
    const model = scriptedModel([{ toolCalls: [call('a', 'lookup_order', { id: '1' }), call('b', 'refund', { id: '1' })] }]);
    const { outcome } = await drive(loopRun(model.ask, [lookup, refund], { approval: ['refund'] }));
    expect(ran).toBe(false);
    expect(outcome).toMatchObject({ finishReason: 'tool_calls', pendingApproval: [{ id: 'b' }], clientCalls: [{ id: 'b' }] });
    expect(outcome.transcript.map((m) => (m.role === 'tool' ? `tool ${m.toolCallId}` : m.role))).toEqual(['assistant', 'tool a']);
  });

  it('resumes a paused run from the client\'s tool results: the model gets them, no tool runs again', async () => {
    let runs = 0;
    const refund = tool('refund', async () => ({ content: `refunded ${++runs}` }));
    const model = scriptedModel([{ text: 'Refund approved and done.' }]);
    const resumed: ModelCall = {
      ...firstCall,
      messages: [
        ...firstCall.messages,
        { role: 'assistant', content: '', toolCalls: [call('b', 'refund', { id: '1' })] },
        { role: 'tool', toolCallId: 'b', content: 'the user rejected the refund', isError: true },
      ],
    };
    const { outcome } = await drive(loopRun(model.ask, [refund], { call: resumed, approval: true }));
    expect(runs).toBe(0);
    expect(model.calls[0]!.messages.at(-1)).toMatchObject({ role: 'tool', toolCallId: 'b', isError: true });
    expect(outcome).toMatchObject({ finishReason: 'stop', turns: 1, toolCalls: 0 });
  });

  it('hands a call of a client tool back to the client, running the server calls of the same answer', async () => {
    const lookup = tool('lookup_order', async () => ({ content: 'order 1' }));
    const model = scriptedModel([{ toolCalls: [call('a', 'lookup_order', { id: '1' }), call('b', 'show_map', {})] }]);
    const withClientTool: ModelCall = { ...firstCall, tools: [{ name: 'show_map', parameters: { type: 'object' } }] };
    const { outcome } = await drive(loopRun(model.ask, [lookup], { call: withClientTool }));
    expect(model.calls[0]!.tools?.map((t) => t.name)).toEqual(['lookup_order', 'show_map']);
    expect(outcome).toMatchObject({ finishReason: 'tool_calls', clientCalls: [{ id: 'b', name: 'show_map' }], pendingApproval: [], toolCalls: 1 });
  });

  it('tells the model that a tool it made up does not exist', async () => {
    const model = scriptedModel([{ toolCalls: [call('a', 'delete_everything', {})] }, { text: 'ok' }]);
    await drive(loopRun(model.ask, [tool('lookup_order', async () => ({ content: '' }))]));
    expect(model.calls[1]!.messages.at(-1)).toMatchObject({ role: 'tool', isError: true, content: 'delete_everything failed: there is no tool of that name' });
  });

  it('aborts the running tool calls when the client goes away', async () => {
    const client = new AbortController();
    const aborted: string[] = [];
    const waits = tool('lookup_order', (args, context) => new Promise<ToolOutput>((_, reject) => {
      context.signal.addEventListener('abort', () => {
        aborted.push(String(args['id']));
        reject(new Error('stopped'));
      });
    }), { timeoutMs: 60_000 });
    const model = scriptedModel([{ toolCalls: [call('a', 'lookup_order', { id: '1' }), call('b', 'lookup_order', { id: '2' })] }, { text: 'HANG' }]);
    const done = drive(loopRun(model.ask, [waits], { signal: client.signal }));
    await vi.advanceTimersByTimeAsync(5);
    client.abort();
    await expect(done).rejects.toThrow('the run was stopped');
    expect(aborted.sort()).toEqual(['1', '2']);
    expect(model.signals.at(-1)!.aborted).toBe(true);
  });
});
