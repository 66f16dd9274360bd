import type { ServerConfig } from '../config/ossa-config.js';

/** What Fastify's `trustProxy` takes: a boolean, addresses and CIDRs, or a function of the address and its hop. */
export type TrustProxyOption = boolean | string[] | ((address: string, hop: number) => boolean);

/**
 * `server.trust_proxy` as Fastify's `trustProxy`. The client IP (`request.ip`) is then the
 * `X-Forwarded-For` address nearest to the gateway that is not a trusted proxy, read from the
 * right, where each proxy appends the address it saw: a client can prepend whatever it likes,
 * but never gets past a proxy that appends its real address. A hop count trusts the socket's
 * peer and the `n - 1` addresses after it (hop 0 is the peer); Fastify 5.12 itself no longer
 * reads a number (it trusts nothing then), so the count becomes that function here. A count
 * also trusts a client that reaches the gateway directly: use it only when the proxies are
 * the only way in, else list their addresses.
 *
 * @example
 * trustProxyOf(2)('10.0.0.7', 1); // true: the second hop is a proxy
 */
export function trustProxyOf(setting: ServerConfig['trust_proxy']): TrustProxyOption {
  if (typeof setting !== 'number') return Array.isArray(setting) ? [...setting] : setting;
  const hops = setting;
  return hops === 0 ? false : (_address, hop) => hop < hops;
}
