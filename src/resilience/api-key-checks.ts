import type { ProviderType } from '../providers/provider.js';

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

/** Prefixes real keys carry, where the provider has a well-known one. */
const KEY_PREFIXES: Partial<Record<ProviderType, string>> = {
  anthropic: 'sk-ant-',
  openai: 'sk-',
};

/** The vendors' own API hosts: a key sent there must have the vendor's prefix. */
const VENDOR_HOSTS: Partial<Record<ProviderType, string>> = {
  anthropic: 'api.anthropic.com',
  openai: 'api.openai.com',
};

/**
 * Why a key must be refused before it is ever used, or undefined when it looks like a key.
 * The reason names the problem, never the value.
 */
export function refuseApiKey(type: ProviderType, key: string, baseUrl: string | undefined): string | undefined {
  if (/\s/.test(key)) return 'the key contains whitespace (a copy-paste accident?)';
  if (PLACEHOLDERS.some((pattern) => pattern.test(key))) return 'the key is a placeholder from a config template, not a real key';
  const prefix = KEY_PREFIXES[type];
  // A custom base_url may front a proxy with its own key format: only check the vendor's own.
  if (prefix && isVendorUrl(type, baseUrl) && !key.startsWith(prefix)) return `a ${type} key starts with "${prefix}"`;
  return undefined;
}

/** No base_url (the vendor's default), or one on the vendor's own API host. */
function isVendorUrl(type: ProviderType, baseUrl: string | undefined): boolean {
  if (baseUrl === undefined) return true;
  try {
    return new URL(baseUrl).hostname === VENDOR_HOSTS[type];
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
