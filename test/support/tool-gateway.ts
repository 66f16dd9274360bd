import { isIP } from 'node:net';
import { NO_SERVER_TOOLS } from '../../src/tools/resolve-agent-tools.js';
import type { MockBehaviour, MockToolCall, RecordedRequest } from './mock-upstream-server.js';
import { startMockAnthropic, startMockOpenAI, type MockUpstream } from './mock-upstreams.js';
import { agentManifest, startTestGateway, type TestGateway } from './gateway-harness.js';

/** The two agents every tool suite calls: one answered in OpenAI's wire format, one in Anthropic's. */
export const TOOL_AGENTS = { openai: 'tools-gpt', anthropic: 'tools-claude' } as const;

/** A gateway in front of a mock OpenAI and a mock Anthropic upstream. */
export interface ToolGateway {
  readonly t: TestGateway;
  readonly openai: MockUpstream;
  readonly anthropic: MockUpstream;
  /** The mock behind an agent of `TOOL_AGENTS`. */
  upstreamOf(agent: string): MockUpstream;
  close(): Promise<void>;
}

/**
 * One in-process gateway (memory cache, no retries, no fallbacks) with `tools-gpt` on a mock
 * OpenAI upstream and `tools-claude` on a mock Anthropic one: what each tool suite needs, once
 * per file. Both agents declare the manifest tool `lookup_order` (for the clash check).
 */
export async function startToolGateway(): Promise<ToolGateway> {
  const openai = await startMockOpenAI();
  const anthropic = await startMockAnthropic();
  const tools = '  tools:\n    - name: lookup_order\n      description: Finds an order (run by the gateway later, never offered by a client)\n';
  const t = await startTestGateway({
    ossa: {
      providers: {
        gpt: { type: 'openai', api_key: '${OPENAI_API_KEY}', base_url: openai.url, model: 'gpt-4o', timeout: 5, max_retries: 0 },
        claude: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, timeout: 5, max_retries: 0 },
      },
      cache: { storage: 'memory' },
    },
    agents: {
      [TOOL_AGENTS.openai]: agentManifest(TOOL_AGENTS.openai, { provider: 'gpt', model: 'gpt-4o' }, tools),
      [TOOL_AGENTS.anthropic]: agentManifest(TOOL_AGENTS.anthropic, { provider: 'claude', model: 'claude-sonnet-4-5' }, tools),
      // The offline default: no upstream at all.
      'tools-echo': agentManifest('tools-echo', { provider: 'echo' }),
    },
    env: { OPENAI_API_KEY: 'sk-TESTKEY-tools-openai-0000', ANTHROPIC_API_KEY: 'sk-ant-TESTKEY-tools-anthropic-0000' },
    // lookup_order is declared, never run here: these suites are about the client's own tools.
    toolKinds: [{ kind: 'function', accepts: (entry) => entry.raw['name'] === 'lookup_order', resolve: () => ({ source: NO_SERVER_TOOLS }) }],
  });
  return {
    t,
    openai,
    anthropic,
    upstreamOf: (agent) => (agent === TOOL_AGENTS.openai ? openai : anthropic),
    close: async () => {
      await t.close();
      await openai.close();
      await anthropic.close();
    },
  };
}

/**
 * A mock behaviour that acts like a model with tools: when the request offers tools, forces
 * none, and its last turn is the user's, it answers with `calls` (those whose tool is offered);
 * otherwise the mock's default (the tool results echoed, a forced tool called, a schema's JSON).
 */
export function callToolsFirst(calls: readonly MockToolCall[]): (request: RecordedRequest) => MockBehaviour {
  return (request) => {
    const body = request.body as Record<string, unknown>;
    const offered = Array.isArray(body['tools']) ? (body['tools'] as Record<string, unknown>[]).map(toolNameOf) : [];
    const forced = body['tool_choice'] !== undefined && body['tool_choice'] !== 'auto' && !(typeof body['tool_choice'] === 'object' && (body['tool_choice'] as Record<string, unknown>)['type'] === 'auto');
    const wanted = calls.filter((call) => offered.includes(call.name));
    if (forced || wanted.length === 0 || !lastTurnIsUserText(body)) return { kind: 'reply' };
    return { kind: 'reply', toolCalls: wanted };
  };
}

function toolNameOf(tool: Record<string, unknown>): string {
  const fn = tool['function'];
  return String(typeof fn === 'object' && fn !== null ? (fn as Record<string, unknown>)['name'] : tool['name']);
}

/** Whether the conversation's last turn is a user message that carries no tool results (either wire format). */
function lastTurnIsUserText(body: Record<string, unknown>): boolean {
  const messages = body['messages'] as Record<string, unknown>[] | undefined;
  const last = messages?.at(-1);
  if (!last || last['role'] !== 'user') return false;
  const content = last['content'];
  return !(Array.isArray(content) && content.some((block) => (block as Record<string, unknown>)['type'] === 'tool_result'));
}

/**
 * Records every outbound connection attempt made with `fetch` to anything but the loopback
 * interface, and refuses it: a test asserts the list is empty (an SDK that downloads tokenizer
 * data, telemetry, ...). Returns the list and a function that puts `fetch` back.
 */
export function guardOutboundFetch(): { readonly attempts: string[]; restore(): void } {
  const original = globalThis.fetch;
  const attempts: string[] = [];
  globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const loopback = host === 'localhost' || host === '127.0.0.1' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
    if (!loopback) {
      attempts.push(url.href);
      throw new TypeError(`outbound fetch refused by the test: ${url.href}`);
    }
    return original(input, init);
  }) as typeof fetch;
  return { attempts, restore: () => void (globalThis.fetch = original) };
}
