import { contentText, type ChatMessage } from '../providers/provider.js';
import type { AgentStep } from './agent-response.js';

/** The loop's transcript (assistant turns with calls, tool results) as the native `messages` format writes it. */
export function toAgentSteps(transcript: readonly ChatMessage[]): AgentStep[] {
  const steps: AgentStep[] = [];
  for (const message of transcript) {
    if (message.role === 'assistant') {
      steps.push({ role: 'assistant', content: message.content, tool_calls: (message.toolCalls ?? []).map(({ id, name, arguments: args }) => ({ id, name, arguments: args })) });
    } else if (message.role === 'tool') {
      steps.push({ role: 'tool', tool_call_id: message.toolCallId, name: message.name ?? '', content: contentText(message.content), ...(message.isError === true ? { is_error: true } : {}) });
    }
  }
  return steps;
}
