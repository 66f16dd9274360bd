/** `null` allowed besides `type`: OpenAI reads an explicit null as "not set". */
const nullable = (type: string | string[]) => ({ type: [...(Array.isArray(type) ? type : [type]), 'null'] });

/**
 * JSON Schema of `POST /v1/responses`: every parameter of OpenAI's Responses API (as of the
 * `openai` SDK 6 and 7) is known, so an unknown one is a 400 as OpenAI answers it, with the
 * types OpenAI accepts (`null` meaning "not set"). What the input items, tools and text format
 * hold is checked by `fromResponsesInput` and `from-responses-tools.ts`, which name the exact
 * field at fault; which parameters need what the gateway does not have (stored responses,
 * OpenAI's own tools), by `fromResponsesRequest`.
 */
export const responsesBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['model', 'input'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 253 },
    input: { type: ['string', 'array'] },
    instructions: nullable('string'),
    tools: nullable('array'),
    tool_choice: nullable(['string', 'object']),
    parallel_tool_calls: nullable('boolean'),
    text: {
      ...nullable('object'),
      additionalProperties: false,
      properties: { format: nullable('object'), verbosity: nullable('string') },
    },
    max_output_tokens: { ...nullable('integer'), minimum: 1 },
    max_tool_calls: { ...nullable('integer'), minimum: 1 },
    temperature: { ...nullable('number'), minimum: 0, maximum: 2 },
    top_p: { ...nullable('number'), minimum: 0, maximum: 1 },
    top_logprobs: { ...nullable('integer'), minimum: 0, maximum: 20 },
    // OpenAI's limits: 16 pairs, keys up to 64 characters, string values up to 512.
    metadata: { ...nullable('object'), maxProperties: 16, propertyNames: { maxLength: 64 }, additionalProperties: { type: 'string', maxLength: 512 } },
    user: nullable('string'),
    safety_identifier: nullable('string'),
    stream: nullable('boolean'),
    stream_options: { ...nullable('object'), additionalProperties: false, properties: { include_obfuscation: nullable('boolean') } },
    store: nullable('boolean'),
    previous_response_id: nullable('string'),
    conversation: nullable(['string', 'object']),
    background: nullable('boolean'),
    background_options: nullable('object'),
    include: { ...nullable('array'), items: { type: 'string' } },
    prompt: nullable('object'),
    reasoning: nullable('object'),
    truncation: { ...nullable('string'), enum: ['auto', 'disabled', null] },
    service_tier: nullable('string'),
    prompt_cache_key: nullable('string'),
    prompt_cache_retention: nullable('string'),
    prompt_cache_options: nullable('object'),
    context_management: nullable('array'),
    moderation: nullable('object'),
    access_programs: nullable('object'),
    image: nullable('object'),
  },
} as const;
