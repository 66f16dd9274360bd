import { HttpProblem } from '../problem.js';

/** Flags one request may send, and how long one may be. */
const MAX_FLAGS = 32;
const FLAG = /^[a-z0-9][a-z0-9._-]{0,99}$/i;

/** The `anthropic-beta` flags of a request, split by what happens to them. */
export interface BetaFlags {
  /** Passed on to an Anthropic upstream (`ModelCall.providerOptions.anthropic.beta`). */
  readonly forward: readonly string[];
  /** Never passed on: `oauth-*` flags concern the client's own credential for Anthropic, and the gateway calls with its own key. */
  readonly withheld: readonly string[];
}

/**
 * Reads `anthropic-beta` (comma-separated flags, in one header or several; Claude Code sends
 * `claude-code-20250219,interleaved-thinking-2025-05-14,...`). Throws a 400 naming the header
 * for a flag that is not a flag (a header is bounded like any input: at most 32 flags of 100
 * characters).
 */
export function betaFlagsOf(header: string | string[] | undefined): BetaFlags {
  if (header === undefined) return { forward: [], withheld: [] };
  const flags = (Array.isArray(header) ? header.join(',') : header).split(',').map((flag) => flag.trim()).filter((flag) => flag !== '');
  if (flags.length > MAX_FLAGS) throw new HttpProblem(400, 'invalid-request', 'Invalid request', `anthropic-beta: has ${flags.length} flags; at most ${MAX_FLAGS} are allowed`, { param: 'anthropic-beta' });
  const bad = flags.find((flag) => !FLAG.test(flag));
  if (bad !== undefined) throw new HttpProblem(400, 'invalid-request', 'Invalid request', `anthropic-beta: ${JSON.stringify(bad.slice(0, 100))} is not a beta flag (letters, digits, ".", "_", "-")`, { param: 'anthropic-beta' });
  const unique = [...new Set(flags)];
  return { forward: unique.filter((flag) => !/^oauth-/i.test(flag)), withheld: unique.filter((flag) => /^oauth-/i.test(flag)) };
}
