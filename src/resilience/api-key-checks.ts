import type { ProviderKind } from '../providers/provider-kinds.js';

/** Values people leave in config templates; sending them upstream only earns a 401 later. */
const PLACEHOLDERS = [
  /^change[-_ ]?me$/i,
  /^(your|my)[-_ ]?(api[-_ ]?)?key(?:[-_ ]?here)?$/i,
  /^(your|my)[-_][a-z]+[-_]api[-_]key$/i,
  /^<.*>$/,
  /^\{\{.*\}\}$/,
  /^(placeholder|replace[-_ ]?me|todo|tbd|dummy|example|secret|none|null|undefined|xxx+)$/i,
  /^sk-(ant-)?(x{3,}|\.{3,}|\*{3,})/i,
  /^(x{3,}|\*{3,}|\.{3,})$/i,
];

/**
 * Why a key must be refused before it is ever used, or undefined when it looks like a key.
 * The reason names the problem, never the value. The vendor prefix of `kind` (`sk-ant-`) is
 * checked only when requests go to the vendor's own host: a custom `base_url` may front a
 * proxy with a key format of its own.
 */
export function refuseApiKey(kind: ProviderKind, key: string, baseUrl: string | undefined): string | undefined {
  if (/\s/.test(key)) return 'the key contains whitespace (a copy-paste accident?)';
  if (PLACEHOLDERS.some((pattern) => pattern.test(key))) return 'the key is a placeholder from a config template, not a real key';
  const prefix = kind.keyPrefix;
  if (prefix && isVendorUrl(kind, baseUrl) && !key.startsWith(prefix)) return `a ${kind.type} key starts with "${prefix}"`;
  return undefined;
}

/** No base_url (the vendor's default), or one on the host of the vendor's default address. */
function isVendorUrl(kind: ProviderKind, baseUrl: string | undefined): boolean {
  if (baseUrl === undefined) return true;
  if (kind.defaultBaseUrl === undefined) return false;
  try {
    return new URL(baseUrl).hostname === new URL(kind.defaultBaseUrl).hostname;
  } catch {
    return false;
  }
}

/** Loopback addresses, where plain HTTP never leaves the machine. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}
