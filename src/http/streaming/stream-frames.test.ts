import { describe, expect, it } from 'vitest';
import type { AgentResponse } from '../../executor/agent-response.js';
import type { AgentStreamEvent } from '../../executor/agent-stream-event.js';
import { ProviderError } from '../../providers/provider-error.js';
import { toHttpProblem } from '../error-handler.js';
import { openAgentStream, streamFrames, type StreamWireFormat } from './stream-frames.js';

const response = { request_id: 'r1' } as AgentResponse;
const format: StreamWireFormat = {
  start: (s) => `start:${s.provider}|`,
  delta: (text) => `delta:${text}|`,
  toolCallStart: (index, id, name) => `call:${index}:${id}:${name}|`,
  toolCallDelta: (index, args) => `args:${index}:${args}|`,
  toolCallEnd: () => '',
  done: () => 'done|',
  error: (p) => `error:${p.status}|`,
};

/** An agent stream: start, the given texts, then done or a throw; `closed` says whether it was closed early. */
function agentStream(texts: string[], end: 'done' | Error) {
  const state = { closed: false };
  async function* events(): AsyncGenerator<AgentStreamEvent, void, undefined> {
    let finished = false;
    try {
      yield { type: 'start', request_id: 'r1', agent: { name: 'a', version: null }, provider: 'claude', model: 'm', cached: false };
      for (const text of texts) yield { type: 'delta', text };
      if (end !== 'done') throw end;
      yield { type: 'done', response };
      finished = true;
    } finally {
      if (!finished) state.closed = true;
    }
  }
  return { events: events(), state };
}

async function collect(frames: AsyncIterable<string>, stopAfter?: number): Promise<string> {
  let out = '';
  let n = 0;
  for await (const frame of frames) {
    out += frame;
    if (++n === stopAfter) break;
  }
  return out;
}

describe('streamFrames', () => {
  const options = (signal = new AbortController().signal, onFirstText = () => {}) => ({ format, signal, onFirstText, toProblem: (e: unknown) => toHttpProblem(e) });

  it('writes start, each delta and done, and reports the first text once', async () => {
    let firstTexts = 0;
    const opened = await openAgentStream(agentStream(['a', 'b'], 'done').events);
    expect(opened.start.provider).toBe('claude');
    expect(await collect(streamFrames(opened, options(undefined, () => void firstTexts++)))).toBe('start:claude|delta:a|delta:b|done|');
    expect(firstTexts).toBe(1);
  });

  it('ends with an error frame, never done, when the stream fails after it opened', async () => {
    const broken = new ProviderError('cut', { provider: 'claude', kind: 'network', retryable: true });
    const opened = await openAgentStream(agentStream(['a'], broken).events);
    expect(await collect(streamFrames(opened, options()))).toBe('start:claude|delta:a|error:503|');
  });

  it('writes nothing more once the client is gone', async () => {
    const controller = new AbortController();
    controller.abort();
    const opened = await openAgentStream(agentStream(['a'], new ProviderError('aborted', { provider: 'claude', kind: 'aborted', retryable: false })).events);
    expect(await collect(streamFrames(opened, options(controller.signal)))).toBe('start:claude|delta:a|');
  });

  it('closes the agent stream when the frames are closed early (a client that hung up)', async () => {
    const { events, state } = agentStream(['a', 'b', 'c'], 'done');
    await collect(streamFrames(await openAgentStream(events), options()), 2);
    expect(state.closed).toBe(true);
  });

  it('throws from openAgentStream when the stream fails before it starts', async () => {
    async function* failing(): AsyncGenerator<AgentStreamEvent, void, undefined> {
      yield* [];
      throw new ProviderError('every provider failed', { provider: 'claude', kind: 'unavailable', retryable: true });
    }
    await expect(openAgentStream(failing())).rejects.toThrow('every provider failed');
  });
});

describe('streamFrames with tool calls', () => {
  it('writes tool-call frames by index, reports the first output once, and announces the stream at once even when a format holds calls back', async () => {
    async function* events(): AsyncGenerator<AgentStreamEvent, void, undefined> {
      yield { type: 'start', request_id: 'r1', agent: { name: 'a', version: null }, provider: 'claude', model: 'm', cached: false };
      yield { type: 'tool_call_start', index: 0, id: 'c0', name: 'x' };
      yield { type: 'tool_call_start', index: 1, id: 'c1', name: 'y' };
      yield { type: 'tool_call_delta', index: 1, arguments: '{}' };
      yield { type: 'tool_call_end', index: 0 };
      yield { type: 'done', response };
    }
    let first = 0;
    const written: string[] = [];
    for await (const frame of streamFrames(await openAgentStream(events()), { format, signal: new AbortController().signal, onFirstText: () => void first++, toProblem: (e: unknown) => toHttpProblem(e) })) written.push(frame);
    expect(written).toEqual(['start:claude|call:0:c0:x|', 'call:1:c1:y|', 'args:1:{}|', 'done|']);
    expect(first).toBe(1);

    const holding: StreamWireFormat = { ...format, toolCallStart: () => '', toolCallDelta: () => '' };
    const held: string[] = [];
    for await (const frame of streamFrames(await openAgentStream(events()), { format: holding, signal: new AbortController().signal, onFirstText: () => {}, toProblem: (e: unknown) => toHttpProblem(e) })) held.push(frame);
    expect(held).toEqual(['start:claude|', 'done|']);
  });
});
