import { MAX_JSON_DEPTH } from './json-depth.js';

/** JSON Schemas of the HTTP API: validation of requests, fast serialization of responses. */

export const agentNameParamsSchema = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 253 } },
  required: ['name'],
} as const;

export const executeBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['input'],
  properties: {
    input: { type: 'string' },
    context: { type: 'object', maxDepth: MAX_JSON_DEPTH },
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
    fallback_used: { type: 'boolean' },
    attempts: { type: 'integer' },
    cached: { type: 'boolean' },
  },
} as const;
