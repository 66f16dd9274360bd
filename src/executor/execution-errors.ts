/** The agent name is not in the registry (HTTP 404). */
export class AgentNotFoundError extends Error {
  override readonly name = 'AgentNotFoundError';
  /** `what`: what the name was looked for as (`agent or model` on the surfaces that serve pass-through models too). */
  constructor(
    readonly agentName: string,
    what = 'agent',
  ) {
    super(`no ${what} named "${agentName}"`);
  }
}

/** The agent exists but cannot run: it declares no LLM, or none of its providers is usable (HTTP 422). */
export class AgentNotExecutableError extends Error {
  override readonly name = 'AgentNotExecutableError';
  constructor(
    readonly agentName: string,
    reason: string,
  ) {
    super(`agent "${agentName}" cannot be executed: ${reason}`);
  }
}
