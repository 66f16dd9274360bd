import { MAX_JSON_DEPTH } from './json-depth.js';

/** JSON Schemas of the HTTP API: validation of requests, fast serialization of responses. */

export const agentNameParamsSchema = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 253 } },
  required: ['name'],
} as const;

const text = { type: 'string' } as const;

/** A content part of a native message: text, or an image by URL or as base64 data. */
const contentPartSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { type: 'string', enum: ['text', 'image'] },
    text,
    url: text,
    media_type: text,
    data: text,
    detail: { type: 'string', enum: ['auto', 'low', 'high'] },
  },
} as const;

/** One turn of a native `messages` history (what each role needs is checked by `fromExecuteBody`). */
const messageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['role'],
  properties: {
    role: { type: 'string', enum: ['user', 'assistant', 'tool'] },
    content: { type: ['string', 'array'], items: contentPartSchema },
    tool_calls: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['id', 'name', 'arguments'], properties: { id: text, name: text, arguments: text } },
    },
    tool_call_id: text,
    is_error: { type: 'boolean' },
  },
} as const;

/** A tool the client offers: its name, what it does, the JSON Schema of its arguments. */
const toolSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: text, description: text, parameters: { type: 'object' }, strict: { type: 'boolean' } },
} as const;

export const executeBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    input: text,
    messages: { type: 'array', items: messageSchema },
    instructions: text,
    context: { type: 'object', maxDepth: MAX_JSON_DEPTH },
    tools: { type: 'array', items: toolSchema },
    tool_choice: { type: ['string', 'object'] },
    parallel_tool_calls: { type: 'boolean' },
    response_format: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: { type: { type: 'string', enum: ['text', 'json_object', 'json_schema'] }, name: text, schema: { type: 'object' }, strict: { type: 'boolean' }, description: text },
    },
    stop: { type: 'array', items: { type: 'string', minLength: 1 } },
    cache: { type: 'string', enum: ['default', 'bypass', 'refresh'] },
    stream: { type: 'boolean' },
  },
} as const;

export const agentResponseSchema = {
  type: 'object',
  required: ['request_id', 'agent', 'output', 'provider', 'model', 'usage', 'finish_reason', 'duration_ms'],
  properties: {
    request_id: { type: 'string' },
    agent: {
      type: 'object',
      properties: { name: { type: 'string' }, version: { type: ['string', 'null'] } },
    },
    output: { type: 'string' },
    tool_calls: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, arguments: { type: 'string' } } },
    },
    provider: { type: 'string' },
    model: { type: 'string' },
    usage: {
      type: 'object',
      properties: {
        input_tokens: { type: 'integer' },
        output_tokens: { type: 'integer' },
        total_tokens: { type: 'integer' },
      },
    },
    finish_reason: { type: 'string' },
    duration_ms: { type: 'number' },
    status: { type: 'string' },
    pending_approval: { type: 'array', items: { type: 'string' } },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          role: { type: 'string' },
          content: { type: 'string' },
          tool_calls: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, arguments: { type: 'string' } } } },
          tool_call_id: { type: 'string' },
          name: { type: 'string' },
          is_error: { type: 'boolean' },
        },
      },
    },
    fallback_used: { type: 'boolean' },
    attempts: { type: 'integer' },
    cached: { type: 'boolean' },
  },
} as const;
