import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { requestCredential } from './request-credential.js';

const request = (headers: Record<string, string | string[]>) => ({ headers }) as unknown as FastifyRequest;
const basic = (password: string) => `Basic ${Buffer.from(`user:${password}`).toString('base64')}`;

describe('requestCredential', () => {
  it('reads a bearer key, an x-api-key or api-key header, and the Basic password', () => {
    expect(requestCredential(request({ authorization: 'Bearer k-1' }))).toEqual({ scheme: 'bearer', key: 'k-1' });
    expect(requestCredential(request({ 'x-api-key': ' k-2 ' }))).toEqual({ scheme: 'api-key', key: 'k-2' });
    expect(requestCredential(request({ 'api-key': 'k-3' }))).toEqual({ scheme: 'api-key', key: 'k-3' });
    expect(requestCredential(request({ authorization: basic('k-4') }))).toEqual({ scheme: 'basic', key: 'k-4' });
  });

  it('prefers the bearer key, then x-api-key, then api-key, and Basic last (a proxy\'s own credentials)', () => {
    expect(requestCredential(request({ authorization: 'Bearer b', 'x-api-key': 'x' }))?.key).toBe('b');
    expect(requestCredential(request({ 'x-api-key': 'x', 'api-key': 'a' }))?.key).toBe('x');
    expect(requestCredential(request({ authorization: basic('proxy-password'), 'x-api-key': 'x' }))).toEqual({ scheme: 'api-key', key: 'x' });
  });

  it('finds nothing in empty headers or other schemes', () => {
    expect(requestCredential(request({}))).toBeUndefined();
    expect(requestCredential(request({ 'x-api-key': '  ' }))).toBeUndefined();
    expect(requestCredential(request({ authorization: 'Digest abc' }))).toBeUndefined();
    expect(requestCredential(request({ 'x-api-key': ['first', 'second'] }))?.key).toBe('first');
  });
});
