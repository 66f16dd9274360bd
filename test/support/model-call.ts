import type { ModelCall, StreamPart } from '../../src/providers/provider.js';

/** A three-turn model call for provider tests; override what a test cares about. */
export function modelCall(overrides: Partial<ModelCall> = {}): ModelCall {
  return {
    model: 'claude-sonnet-4-5',
    system: 'You are terse.',
    messages: [
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: 'what is OSSA?' },
    ],
    temperature: 0.2,
    maxTokens: 256,
    meta: { requestId: 'req-123', agent: { name: 'helper', version: '1.0.0' }, userId: 'user-9', toolsCount: 0 },
    ...overrides,
  };
}

/** Every part of a stream, in order. */
export async function collectStream(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}
