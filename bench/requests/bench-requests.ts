import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UNIQUE_SLOT, type LoadRequest } from './load-request.js';

/** The benchmark agent (bench/agents/bench-support.ossa.yaml). */
export const BENCH_AGENT = 'bench-support';
/** The client key of `security.clients` in the bench configs (sent as `Authorization: Bearer`). */
export const BENCH_CLIENT_KEY = 'ossa-bench-client-0f3c9a7e5d2b4c61';
/** The upstream key the gateway and Portkey forward to the mock (which ignores it). */
export const BENCH_UPSTREAM_KEY = 'sk-bench-0f3c9a7e5d2b4c61';

/** The bench agent's model settings (bench-support.ossa.yaml's `spec.llm`), as the OpenAI body carries them. */
export const BENCH_MODEL_SETTINGS = { model: 'gpt-4o-mini', max_tokens: 256, temperature: 0.2 } as const;

/** How a request varies: unique inputs (every one a cache miss) or one fixed input, JSON or streamed. */
export interface RequestShape {
  readonly unique: boolean;
  readonly stream?: boolean;
}

const userInput = (unique: boolean): string =>
  `Where is my order ${unique ? `#${UNIQUE_SLOT}` : '#A-1001'}? It was due yesterday and the tracking page shows nothing.`;

/** `POST /v1/agents/bench-support/execute` with the bench client's key. */
export function gatewayExecuteRequest(shape: RequestShape): LoadRequest {
  return {
    path: `/v1/agents/${BENCH_AGENT}/execute`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_CLIENT_KEY}` },
    body: JSON.stringify({ input: userInput(shape.unique), ...(shape.stream ? { stream: true } : {}) }),
  };
}

/** The tool-loop scenario's agent: bench-support's prompt plus one function tool the gateway runs. */
export const BENCH_TOOL_AGENT = 'bench-tools';

/** `POST /v1/agents/bench-tools/execute`: two model turns and one tool call per request. */
export function gatewayToolLoopRequest(shape: RequestShape): LoadRequest {
  return {
    path: `/v1/agents/${BENCH_TOOL_AGENT}/execute`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_CLIENT_KEY}` },
    body: JSON.stringify({ input: userInput(shape.unique) }),
  };
}

/** The gateway's OpenAI-compatible `POST /v1/chat/completions` (issue #8), the agent as the model. */
export function gatewayChatRequest(shape: RequestShape): LoadRequest {
  return {
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_CLIENT_KEY}` },
    body: JSON.stringify({
      model: BENCH_AGENT,
      messages: [{ role: 'user', content: userInput(shape.unique) }],
      ...(shape.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    }),
  };
}

/**
 * The request the gateway itself sends upstream for the agent (its system prompt, the input,
 * its model settings), sent straight to the mock: the direct baseline does the same upstream
 * work as the gateway, minus the gateway.
 */
export function directRequest(benchDir: string, shape: RequestShape): LoadRequest {
  return {
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_UPSTREAM_KEY}` },
    body: openAIBody(benchDir, shape),
  };
}

/** The same OpenAI request through Portkey, routed to the mock by its custom-host headers. */
export function portkeyRequest(benchDir: string, shape: RequestShape, mockOpenAIBaseUrl: string): LoadRequest {
  return {
    path: '/v1/chat/completions',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${BENCH_UPSTREAM_KEY}`,
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': mockOpenAIBaseUrl,
    },
    body: openAIBody(benchDir, shape),
  };
}

function openAIBody(benchDir: string, shape: RequestShape): string {
  return JSON.stringify({
    model: BENCH_MODEL_SETTINGS.model,
    messages: [
      { role: 'system', content: agentSystemPrompt(benchDir) },
      { role: 'user', content: userInput(shape.unique) },
    ],
    max_tokens: BENCH_MODEL_SETTINGS.max_tokens,
    temperature: BENCH_MODEL_SETTINGS.temperature,
    ...(shape.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

let systemPrompt: string | undefined;

/** The bench agent's `spec.role`, trimmed as the gateway trims it: the system prompt of every upstream request. */
export function agentSystemPrompt(benchDir: string): string {
  if (systemPrompt === undefined) {
    const manifest = parse(readFileSync(join(benchDir, 'agents', `${BENCH_AGENT}.ossa.yaml`), 'utf8')) as { spec?: { role?: unknown } };
    const role = manifest.spec?.role;
    if (typeof role !== 'string') throw new Error(`bench: ${BENCH_AGENT}.ossa.yaml has no spec.role`);
    systemPrompt = role.trim();
  }
  return systemPrompt;
}
