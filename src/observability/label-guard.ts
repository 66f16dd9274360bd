/** The label value that stands for every name the gateway does not know. */
export const OTHER_LABEL = '(other)';

/** Distinct models kept per provider before the rest are counted as `(other)`. */
const MODELS_PER_PROVIDER = 32;

/**
 * Keeps metric label values bounded. Agent and provider names come from the config and the
 * manifests, but an event may carry a name from a request (a rate-limit decision for
 * `/v1/agents/<anything>/execute`): names the gateway does not know become `(other)`, so no
 * client can grow the number of time series. `(other)` is not a valid agent name, so it
 * cannot collide with one. Models come from upstream answers: a fixed number per provider.
 */
export class LabelGuard {
  private readonly agents: ReadonlySet<string>;
  private readonly providers: ReadonlySet<string>;
  private readonly models = new Map<string, Set<string>>();

  constructor(agents: Iterable<string>, providers: Iterable<string>) {
    this.agents = new Set(agents);
    this.providers = new Set(providers);
  }

  agent(name: string): string {
    return this.agents.has(name) ? name : OTHER_LABEL;
  }

  provider(name: string): string {
    return this.providers.has(name) ? name : OTHER_LABEL;
  }

  model(provider: string, model: string): string {
    let seen = this.models.get(provider);
    if (!seen) {
      seen = new Set();
      this.models.set(provider, seen);
    }
    if (seen.has(model)) return model;
    if (seen.size >= MODELS_PER_PROVIDER) return OTHER_LABEL;
    seen.add(model);
    return model;
  }

  knownProviders(): string[] {
    return [...this.providers];
  }
}
