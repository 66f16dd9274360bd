/**
 * `tools.http.allowed_hosts`: which hosts an http tool may reach. An entry is a host (any
 * port), a host and port (only that port), or `*.example.com` (every subdomain of
 * example.com at any depth, not example.com itself). Hosts compare case-insensitively, IPv6
 * addresses in brackets (`[::1]:8080`). Nothing matches an empty list.
 *
 * @example
 * const hosts = new HostAllowList(['api.example.com', '*.internal.example.com:8443']);
 * hosts.allows(new URL('https://api.example.com/search')); // true
 */
export class HostAllowList {
  readonly #entries: readonly AllowedHost[];

  constructor(entries: readonly string[]) {
    this.#entries = entries.map(parseEntry);
  }

  /** True when the URL's host (and port, if the entry names one) is listed. */
  allows(url: URL): boolean {
    const host = url.hostname.toLowerCase();
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    return this.#entries.some((entry) => {
      if (entry.port !== undefined && entry.port !== port) return false;
      return entry.subdomainsOf !== undefined ? host.endsWith(`.${entry.subdomainsOf}`) : host === entry.host;
    });
  }
}

interface AllowedHost {
  readonly host?: string;
  /** `*.example.com`: `example.com`. */
  readonly subdomainsOf?: string;
  readonly port?: number;
}

/** The schema checked the form (`config-schema.ts`); here it is only taken apart. */
function parseEntry(entry: string): AllowedHost {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry.trim().toLowerCase());
  const host = match?.[1] ?? entry.toLowerCase();
  const port = match?.[2] === undefined ? undefined : Number(match[2]);
  const portPart = port === undefined ? {} : { port };
  return host.startsWith('*.') ? { subdomainsOf: host.slice(2), ...portPart } : { host, ...portPart };
}

/** Loopback hosts, where plain http never leaves the machine. */
export function isLoopbackHost(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
