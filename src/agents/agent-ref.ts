/**
 * How a client names an agent: `name` (its newest version) or `name@version` (that one).
 * Several versions of one agent may be served side by side; only the same name *and* version
 * twice is a clash.
 */
export interface AgentRef {
  readonly name: string;
  /** Absent: the newest version. */
  readonly version?: string;
}

/** `support@1.2.0` -> `{name: 'support', version: '1.2.0'}`; `support` -> `{name: 'support'}`. */
export function parseAgentRef(ref: string): AgentRef {
  const at = ref.indexOf('@');
  if (at < 0) return { name: ref };
  return { name: ref.slice(0, at), version: ref.slice(at + 1) };
}

/** The ref that names exactly this agent: `name@version`, or `name` for an unversioned one. */
export function agentId(agent: { readonly name: string; readonly version: string | null }): string {
  return agent.version === null ? agent.name : `${agent.name}@${agent.version}`;
}

/** Whether `wanted` (as written in a ref) is `version`; a leading `v` is optional on either side. */
export function sameVersion(version: string | null, wanted: string): boolean {
  return version !== null && stripV(version) === stripV(wanted);
}

/**
 * Orders versions newest first: numeric `major.minor.patch` (missing parts are 0), a release
 * before its pre-releases (`1.0.0` > `1.0.0-rc.1`), any version before none (`null`).
 */
export function compareVersionsDescending(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const [coreA, preA] = split(a);
  const [coreB, preB] = split(b);
  for (let i = 0; i < 3; i++) {
    const diff = (coreB[i] ?? 0) - (coreA[i] ?? 0);
    if (diff !== 0) return diff;
  }
  if (preA === preB) return 0;
  if (preA === '') return -1;
  if (preB === '') return 1;
  return preB.localeCompare(preA, 'en', { numeric: true });
}

function stripV(version: string): string {
  return version.startsWith('v') || version.startsWith('V') ? version.slice(1) : version;
}

function split(version: string): [number[], string] {
  const text = stripV(version).split('+')[0]!;
  const dash = text.indexOf('-');
  const core = dash < 0 ? text : text.slice(0, dash);
  return [core.split('.').map((part) => Number(part) || 0), dash < 0 ? '' : text.slice(dash + 1)];
}
