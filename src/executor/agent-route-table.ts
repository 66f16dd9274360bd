import { agentId, parseAgentRef, sameVersion } from '../agents/agent-ref.js';
import type { AgentRoute } from './agent-route.js';

/**
 * Every agent's route, keyed by `name@version` (`name` for an unversioned agent), where `get`
 * and `has` also take a bare `name`: its newest version (the registry's order). So every route
 * that names an agent (`/v1/agents/{name}`, `.../execute`, the OpenAI `model`) takes
 * `support` and `support@1.0.0` alike. Iterating yields each version once.
 */
export class AgentRouteTable extends Map<string, AgentRoute> {
  readonly #newest = new Map<string, AgentRoute>();

  /** `routes` newest version first within each name (the order `AgentRegistry.list()` gives). */
  constructor(routes: Iterable<AgentRoute> = []) {
    super();
    for (const route of routes) this.add(route);
  }

  /** Adds a route; the first of each name is its newest version. */
  add(route: AgentRoute): this {
    super.set(agentId(route.agent), route);
    if (!this.#newest.has(route.agent.name)) this.#newest.set(route.agent.name, route);
    return this;
  }

  override get(ref: string): AgentRoute | undefined {
    const { name, version } = parseAgentRef(ref);
    // A bare name is the newest version, even beside an unversioned agent of that name (whose id it also is).
    if (version === undefined) return this.#newest.get(name);
    const exact = super.get(ref);
    if (exact) return exact;
    for (const route of this.values()) if (route.agent.name === name && sameVersion(route.agent.version, version)) return route;
    return undefined;
  }

  override has(ref: string): boolean {
    return this.get(ref) !== undefined;
  }
}
