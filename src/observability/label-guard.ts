/** The label value that stands for every name the gateway does not know. */
export const OTHER_LABEL = '(other)';

/** Dated snapshots of a configured model kept per provider before the rest are counted as `(other)`. */
const VARIANTS_PER_PROVIDER = 32;

/**
 * A snapshot of a model, as upstreams name the one that answered: `gpt-4o-mini-2024-07-18` for
 * `gpt-4o-mini`, `claude-sonnet-4-5-20250929` for `claude-sonnet-4-5`, `claude-3@20240229`.
 */
const DATED_VARIANT = /^(.+)[-@](\d{4}-\d{2}-\d{2}|\d{8})$/;

/** A provider and a model it is configured to be asked for. */
export interface ConfiguredModel {
  readonly provider: string;
  readonly model: string;
}

/**
 * Keeps metric label values bounded. Agent and provider names come from the config and the
 * manifests, but an event may carry a name from a request (a rate-limit decision for
 * `/v1/agents/<anything>/execute`): names the gateway does not know become `(other)`, so no
 * client can grow the number of time series. `(other)` is not a valid agent name, so it
 * cannot collide with one. Models come from upstream answers, so an upstream could put
 * anything there (a key it was sent, a megabyte of text): only the models the agents are
 * configured to ask each provider for pass, and dated snapshots of them (a fixed number per
 * provider); every other name is `(other)`.
 */
export class LabelGuard {
  private readonly agents: ReadonlySet<string>;
  private readonly providers: ReadonlySet<string>;
  private readonly configured = new Map<string, Set<string>>();
  private readonly variants = new Map<string, Set<string>>();

  constructor(agents: Iterable<string>, providers: Iterable<string>, models: Iterable<ConfiguredModel> = []) {
    this.agents = new Set(agents);
    this.providers = new Set(providers);
    this.configureModels(models);
  }

  /** Adds the models agents ask providers for (known once their routes are resolved). */
  configureModels(models: Iterable<ConfiguredModel>): void {
    for (const { provider, model } of models) {
      let set = this.configured.get(provider);
      if (!set) this.configured.set(provider, (set = new Set()));
      set.add(model);
    }
  }

  agent(name: string): string {
    return this.agents.has(name) ? name : OTHER_LABEL;
  }

  provider(name: string): string {
    return this.providers.has(name) ? name : OTHER_LABEL;
  }

  model(provider: string, model: string): string {
    const configured = this.configured.get(provider);
    if (!configured) return OTHER_LABEL;
    if (configured.has(model)) return model;
    const base = DATED_VARIANT.exec(model)?.[1];
    if (base === undefined || !configured.has(base)) return OTHER_LABEL;
    let seen = this.variants.get(provider);
    if (!seen) this.variants.set(provider, (seen = new Set()));
    if (seen.has(model)) return model;
    if (seen.size >= VARIANTS_PER_PROVIDER) return OTHER_LABEL;
    seen.add(model);
    return model;
  }

  knownProviders(): string[] {
    return [...this.providers];
  }
}
