/** `null` allowed besides `type`: OpenAI reads an explicit null as "not set". */
const nullable = (type: string | string[]) => ({ type: [...(Array.isArray(type) ? type : [type]), 'null'] });

/**
 * JSON Schema of `POST /v1/chat/completions`: every parameter of OpenAI's Chat Completions API
 * is known (an unknown one is a 400, as OpenAI answers it), with the types OpenAI accepts
 * (`null` meaning "not set", as the SDKs send it). What each message, tool and response format
 * holds is checked by `fromOpenAIMessages` and `from-openai-tools.ts`, which name the exact
 * field at fault; which parameters an agent refuses, by `fromOpenAIChatRequest`.
 */
export const chatCompletionBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['model', 'messages'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 253 },
    messages: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', required: ['role'], properties: { role: { type: 'string' } } },
    },
    temperature: { ...nullable('number'), minimum: 0, maximum: 2 },
    max_tokens: { ...nullable('integer'), minimum: 1 },
    max_completion_tokens: { ...nullable('integer'), minimum: 1 },
    stream: nullable('boolean'),
    stream_options: {
      ...nullable('object'),
      additionalProperties: false,
      properties: { include_usage: nullable('boolean'), include_obfuscation: nullable('boolean') },
    },
    n: { ...nullable('integer'), minimum: 1 },
    stop: nullable(['string', 'array']),
    tools: nullable('array'),
    tool_choice: nullable(['string', 'object']),
    parallel_tool_calls: nullable('boolean'),
    functions: nullable('array'),
    function_call: nullable(['string', 'object']),
    response_format: nullable('object'),
    logprobs: nullable('boolean'),
    top_logprobs: { ...nullable('integer'), minimum: 0 },
    modalities: nullable('array'),
    audio: nullable('object'),
    web_search_options: nullable('object'),
    prediction: nullable('object'),
    top_p: { ...nullable('number'), minimum: 0, maximum: 1 },
    frequency_penalty: { ...nullable('number'), minimum: -2, maximum: 2 },
    presence_penalty: { ...nullable('number'), minimum: -2, maximum: 2 },
    seed: nullable('integer'),
    logit_bias: nullable('object'),
    user: nullable('string'),
    safety_identifier: nullable('string'),
    prompt_cache_key: nullable('string'),
    prompt_cache_retention: nullable('string'),
    prompt_cache_options: nullable('object'),
    metadata: nullable('object'),
    store: nullable('boolean'),
    service_tier: nullable('string'),
    reasoning_effort: nullable('string'),
    verbosity: nullable('string'),
    moderation: nullable('object'),
  },
} as const;

/** `GET /v1/models/{model}`: the agent name, as long as a manifest name may be. */
export const modelParamsSchema = {
  type: 'object',
  properties: { model: { type: 'string', maxLength: 253 } },
  required: ['model'],
} as const;
