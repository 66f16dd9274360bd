import { describeType, dig, readNumber, type FieldProblem, type JsonRecord } from './manifest-values.js';

/** How long an agent's tool loop may go on, and which of its tools wait for a person. */
export interface AgentLoopSettings {
  /** Model turns in one run, at most: `spec.lifecycle.max_turns`, else `spec.completion.max_iterations`, else 10. */
  readonly maxTurns: number;
  /** Server tool calls in one run, at most: `spec.safety.guardrails.max_tool_calls`. Absent: no limit but the turns. */
  readonly maxToolCalls?: number;
  /** `spec.safety.guardrails.max_execution_time_seconds`: the whole run, like `timeoutSeconds` (the shorter wins). */
  readonly maxExecutionSeconds?: number;
  /** `spec.autonomy.approval_required`: `true` (every tool), the names of the tools that wait, or none. */
  readonly approvalRequired: true | readonly string[];
}

export const DEFAULT_MAX_TURNS = 10;

/** Reads the loop's limits; a value of the wrong type is a problem at its path, and the default holds. */
export function readLoopSettings(doc: JsonRecord): { settings: AgentLoopSettings; errors: FieldProblem[] } {
  const errors: FieldProblem[] = [];
  const turns =
    readNumber(dig(doc, 'spec', 'lifecycle', 'max_turns'), ['spec', 'lifecycle', 'max_turns'], { min: 1, integer: true }, errors) ??
    readNumber(dig(doc, 'spec', 'completion', 'max_iterations'), ['spec', 'completion', 'max_iterations'], { min: 1, integer: true }, errors);
  const maxToolCalls = readNumber(dig(doc, 'spec', 'safety', 'guardrails', 'max_tool_calls'), ['spec', 'safety', 'guardrails', 'max_tool_calls'], { min: 0, integer: true }, errors);
  const maxExecutionSeconds = readNumber(
    dig(doc, 'spec', 'safety', 'guardrails', 'max_execution_time_seconds'),
    ['spec', 'safety', 'guardrails', 'max_execution_time_seconds'],
    { min: Number.MIN_VALUE },
    errors,
  );
  return {
    settings: {
      maxTurns: turns ?? DEFAULT_MAX_TURNS,
      ...(maxToolCalls !== undefined ? { maxToolCalls } : {}),
      ...(maxExecutionSeconds !== undefined ? { maxExecutionSeconds } : {}),
      approvalRequired: readApproval(dig(doc, 'spec', 'autonomy', 'approval_required'), errors),
    },
    errors,
  };
}

function readApproval(value: unknown, errors: FieldProblem[]): true | readonly string[] {
  if (value === undefined || value === null || value === false) return [];
  if (value === true) return true;
  if (Array.isArray(value) && value.every((name) => typeof name === 'string')) return value as string[];
  errors.push({ path: ['spec', 'autonomy', 'approval_required'], message: `expected true, false or a list of tool names, got ${describeType(value)}` });
  return [];
}
