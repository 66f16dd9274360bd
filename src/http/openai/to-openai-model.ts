import type { OpenAIModel } from './openai-types.js';

/** Who `owned_by` says owns every agent model. */
export const OPENAI_MODEL_OWNER = 'ossa-gateway';

/** An agent as an OpenAI model: its name is the `model` a client asks for. `created` is when the gateway loaded it (Unix seconds). */
export function toOpenAIModel(agentName: string, created: number): OpenAIModel {
  return { id: agentName, object: 'model', created, owned_by: OPENAI_MODEL_OWNER };
}
