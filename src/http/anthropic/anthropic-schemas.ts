/*
 * JSON Schemas of the Anthropic surface's bodies: every top-level field of Anthropic's
 * Messages API is known (an unknown one is a 400 naming it, as the API answers), with its
 * type; what the messages, blocks and tools hold is checked by `from-anthropic-*.ts`, which
 * name the exact field at fault. Fields the gateway accepts but does not pass on
 * (`thinking`, `context_management`, `service_tier`, `speed`, ...) are listed too: Claude Code
 * and the newer SDKs send them. `temperature`, `top_p` and `top_k` are kept for the clients
 * and models that still use them.
 */

const object = { type: 'object' } as const;

/** The fields `/v1/messages` and `/v1/messages/count_tokens` share. */
const conversation = {
  model: { type: 'string', minLength: 1, maxLength: 253 },
  messages: {
    type: 'array',
    minItems: 1,
    items: { type: 'object', required: ['role'], properties: { role: { type: 'string' } } },
  },
  system: { type: ['string', 'array'] },
  tools: { type: 'array' },
  tool_choice: object,
  thinking: object,
  output_format: object,
  output_config: object,
  cache_control: { type: ['object', 'null'] },
  context_management: object,
  mcp_servers: { type: 'array' },
  speed: { type: ['string', 'null'] },
} as const;

/** `POST /v1/messages`. */
export const messagesBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['model', 'messages', 'max_tokens'],
  properties: {
    ...conversation,
    max_tokens: { type: 'integer', minimum: 1 },
    metadata: object,
    stop_sequences: { type: 'array', items: { type: 'string' } },
    stream: { type: 'boolean' },
    temperature: { type: 'number', minimum: 0, maximum: 1 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    top_k: { type: 'integer', minimum: 0 },
    service_tier: { type: 'string' },
    container: { type: ['string', 'object', 'null'] },
    diagnostics: { type: ['object', 'null'] },
    inference_geo: { type: ['string', 'null'] },
    user_profile_id: { type: 'string' },
    workspace_id: { type: 'string' },
  },
} as const;

/** `POST /v1/messages/count_tokens`. */
export const countTokensBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['model', 'messages'],
  properties: conversation,
} as const;

/** `GET /v1/models` with `anthropic-version`: Anthropic's pagination parameters. */
export const anthropicModelsQuerySchema = {
  type: 'object',
  properties: {
    limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
    after_id: { type: 'string', maxLength: 253 },
    before_id: { type: 'string', maxLength: 253 },
  },
} as const;
