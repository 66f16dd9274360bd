import { hash } from 'node:crypto';
import type { ExecuteOptions, ExecutionContext } from '../executor/agent-response.js';
import type { AgentRoute } from '../executor/agent-route.js';
import { canonicalJson } from '../util/canonical-json.js';

/** Where a response is cached: the agent (stores group and invalidate by it) and the hash of everything that shapes the answer. */
export interface CacheKey {
  readonly agent: string;
  /** 64 hexadecimal characters. */
  readonly hash: string;
}

/** What of a request's options shapes its key, and who may share it (`cachePartition`). */

/** Bumped when the key's definition changes, so old entries are never read with a new meaning. */
const KEY_VERSION = 1;

/** What of a request's options shapes the answer, and so its key. */
export type CacheKeyOptions = Pick<
  ExecuteOptions,
  'temperature' | 'maxTokens' | 'history' | 'instructions' | 'systemBlocks' | 'tools' | 'toolChoice' | 'parallelToolCalls' | 'responseFormat' | 'stop' | 'topP' | 'frequencyPenalty' | 'presencePenalty' | 'providerOptions'
> & {
  /** `cachePartition(scope, requester)`; absent for the `global` scope. */
  readonly scope?: string | undefined;
};

/**
 * The cache key of an execution: SHA-256 of the canonical JSON (sorted keys) of the agent's
 * name, its manifest's content hash (editing the manifest retires its entries), the provider
 * and model that will answer, the temperature and max tokens asked for, the input, the
 * context, and, when the request has them, the conversation history (tool calls and tool
 * results included), the client's instructions (as text or as blocks), its tools (whole
 * schemas), tool choice, parallel-calls setting, response format, stop sequences, and the
 * sampling and vendor settings a pass-through model sends as given (`top_p`, penalties,
 * `anthropic-beta` flags, `top_k`; not `metadata.user_id`, which does not shape the answer). Two requests that would send
 * the same call to the same model share a key; anything that could change the answer changes
 * it, so an answer that asks for tool calls is only ever replayed to the very same
 * conversation with the very same tools. The `scope` names who may share the entry (a client,
 * a user); without it (`cache.scope: global`) equal prompts get equal answers whoever asks. A
 * request without any of the optional parts has the key it had before they existed (absent
 * members are not written), so global entries stay valid.
 */
export function cacheKeyFor(route: AgentRoute, input: string, context: ExecutionContext, options: CacheKeyOptions = {}): CacheKey {
  const target = route.usable[0] ?? route.primary;
  const history = options.history && options.history.length > 0 ? options.history : undefined;
  const tools = options.tools && options.tools.length > 0 ? options.tools : undefined;
  const stop = options.stop && options.stop.length > 0 ? options.stop : undefined;
  // canonicalJson(material) for { v, agent, manifest, provider, model, temperature, max_tokens,
  // input, context, history?, instructions?, tools?, scope?, ... }, written out in sorted key
  // order: the same bytes, so the same keys, without sorting and re-serialising the whole object
  // (~4 % of a cache hit's CPU, measured). An absent member costs one comparison.
  const text =
    '{' +
    field('agent', route.agent.name) +
    field('context', context) +
    field('frequency_penalty', options.frequencyPenalty) +
    field('history', history) +
    field('input', input) +
    field('instructions', options.instructions) +
    field('manifest', route.agent.contentHash) +
    field('max_tokens', options.maxTokens ?? route.maxTokens) +
    field('model', target.model) +
    field('parallel_tool_calls', tools && options.parallelToolCalls) +
    field('presence_penalty', options.presencePenalty) +
    field('provider', target.provider) +
    field('provider_options', options.providerOptions && answerShaping(options.providerOptions)) +
    field('response_format', options.responseFormat) +
    field('scope', options.scope) +
    field('stop', stop) +
    field('system_blocks', options.systemBlocks) +
    field('temperature', options.temperature ?? route.temperature) +
    field('tool_choice', tools && options.toolChoice) +
    field('tools', tools) +
    field('top_p', options.topP) +
    `"v":${KEY_VERSION}}`;
  // One-shot crypto.hash: no Hash object per request (createHash was ~2 % of a cache hit's CPU).
  return { agent: route.agent.name, hash: hash('sha256', text, 'hex') };
}

/** One member of the canonical object, with its comma; nothing for `undefined` (as `canonicalJson` omits it). */
function field(name: string, value: unknown): string {
  if (value === undefined) return '';
  return `"${name}":${typeof value === 'string' ? JSON.stringify(value) : canonicalJson(value)},`;
}

/** The vendor settings that can change an answer (`metadata.user_id` cannot); undefined when none is set. */
function answerShaping(options: NonNullable<ExecuteOptions['providerOptions']>): unknown {
  const anthropic = options.anthropic;
  if (anthropic === undefined || (anthropic.beta === undefined && anthropic.topK === undefined)) return undefined;
  return { anthropic: { beta: anthropic.beta, top_k: anthropic.topK } };
}
