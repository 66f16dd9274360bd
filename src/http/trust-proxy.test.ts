import { describe, expect, it } from 'vitest';
import { trustProxyOf } from './trust-proxy.js';

describe('trustProxyOf', () => {
  it('turns a hop count into a function of the hop (0 is the socket peer), which Fastify 5.12 no longer makes itself', () => {
    const two = trustProxyOf(2);
    expect(typeof two).toBe('function');
    const trusts = two as (address: string, hop: number) => boolean;
    expect([0, 1, 2, 3].map((hop) => trusts('10.0.0.1', hop))).toEqual([true, true, false, false]);
    expect(trustProxyOf(0)).toBe(false);
  });

  it('passes booleans and address lists through', () => {
    expect(trustProxyOf(false)).toBe(false);
    expect(trustProxyOf(true)).toBe(true);
    expect(trustProxyOf(['10.0.0.0/8', 'loopback'])).toEqual(['10.0.0.0/8', 'loopback']);
  });
});
