import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoPaths } from '../repo-paths.js';

// Micro-benchmark of serialising an upstream body (src/providers/, compiled in dist/): the whole
// body built and `JSON.stringify`d per request (before issue #12 part 3) against its constant
// part (system prompt, model, settings, tools) kept serialised per route and the messages
// spliced in (`toOpenAIRequestJson`, `toAnthropicRequestJson`), for a short prompt with a
// 1 KiB system prompt and for the same with four tools. Run:
//
//   npm run bench:build && node bench/.build/micro/upstream-body.js

type Call = Record<string, unknown>;
interface OpenAIModule {
  toOpenAIRequest(call: Call, stream: boolean, style: { type: string }): unknown;
  toOpenAIRequestJson(call: Call, stream: boolean, style: { type: string }, memo: unknown): string;
}
interface AnthropicModule {
  toAnthropicRequest(call: Call, stream: boolean): unknown;
  toAnthropicRequestJson(call: Call, stream: boolean, memo: unknown): string;
}
interface MemoModule {
  ConstantBodyParts: new () => unknown;
}

const { root } = repoPaths();
const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(root, 'dist', ...path.split('/'))).href)) as T;
const openai = await load<OpenAIModule>('providers/openai/openai-request.js');
const anthropic = await load<AnthropicModule>('providers/anthropic/anthropic-request.js');
const { ConstantBodyParts } = await load<MemoModule>('providers/http/constant-body-parts.js');

function time(fn: () => unknown, calls: number, rounds = 15): number {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn();
    samples.push(Number(process.hrtime.bigint() - started) / calls);
  }
  return samples.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}

const system = 'You are the support agent of an online shop. Answer in two sentences, politely, and never promise a refund. '.repeat(9);
const tools = ['lookup_order', 'cancel_order', 'track_parcel', 'open_ticket'].map((name) => ({
  name,
  description: `Does ${name.replace('_', ' ')} for the customer, given the ids they quote.`,
  parameters: { type: 'object', properties: { id: { type: 'string', description: 'The order id, as printed on the receipt.' }, note: { type: 'string' } }, required: ['id'] },
}));
const meta = { requestId: 'r', agent: { name: 'support', version: null }, toolsCount: 0 };
const base = { model: 'gpt-4o-mini', system, temperature: 0.2, maxTokens: 256, meta };
let n = 0;
const callOf = (extra: Call): Call => ({ ...base, ...extra, messages: [{ role: 'user', content: `Where is my order ${++n}? It was due yesterday.` }] });

const rows: [string, number][] = [];
for (const [label, extra] of [['1 KiB system prompt', {}], ['1 KiB system prompt, 4 tools', { tools }]] as const) {
  const memoA = new ConstantBodyParts();
  const memoB = new ConstantBodyParts();
  const style = { type: 'openai' };
  const cases: [string, () => unknown][] = [
    [`OpenAI, ${label}: whole body stringified`, () => JSON.stringify(openai.toOpenAIRequest(callOf(extra), false, style))],
    [`OpenAI, ${label}: constant part once, messages spliced`, () => openai.toOpenAIRequestJson(callOf(extra), false, style, memoA)],
    [`Anthropic, ${label}: whole body stringified`, () => JSON.stringify(anthropic.toAnthropicRequest(callOf(extra), false))],
    [`Anthropic, ${label}: constant part once, messages spliced`, () => anthropic.toAnthropicRequestJson(callOf(extra), false, memoB)],
  ];
  for (const [, fn] of cases) for (let w = 0; w < 20_000; w++) fn();
  for (const [name, fn] of cases) rows.push([name, time(fn, 20_000)]);
}

console.log(`node ${process.version}, ${new Date().toISOString()}\n`);
console.log('| case | µs per body |\n|---|---|');
for (const [label, ns] of rows) console.log(`| ${label} | ${(ns / 1000).toFixed(2)} |`);
