import { describe, expect, it } from 'vitest';
import { KnownSecrets, NO_SECRETS } from '../../secrets/known-secrets.js';
import { fromMcpToolResult } from './from-mcp-tool-result.js';

describe('fromMcpToolResult', () => {
  it('joins text parts and keeps isError', () => {
    expect(fromMcpToolResult({ content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], isError: true }, 1000, NO_SECRETS)).toEqual({ content: 'a\nb', isError: true });
  });

  it('cuts a result past the limit and says how much was left out, without splitting a character', () => {
    const output = fromMcpToolResult({ content: [{ type: 'text', text: 'ééééé' }, { type: 'text', text: 'more' }] }, 5, NO_SECRETS);
    expect(output.content).toBe('éé\n\n[result cut: 10 more bytes than the 5-byte limit]');
  });

  it('reads structured content when there is no content', () => {
    expect(fromMcpToolResult({ content: [], structuredContent: { count: 3 } }, 1000, NO_SECRETS)).toEqual({ content: '{"count":3}' });
  });

  it('summarises an image that does not fit and an embedded binary resource', () => {
    const output = fromMcpToolResult(
      { content: [{ type: 'image', data: 'A'.repeat(300), mimeType: 'image/png' }, { type: 'resource', resource: { uri: 'file:///a.bin', blob: 'AAAA', mimeType: 'application/octet-stream' } }] },
      200,
      NO_SECRETS,
    );
    expect(output.content).toBe('[image (image/png) left out: larger than the result limit]\n[resource file:///a.bin (application/octet-stream): binary, not shown]');
  });

  it('redacts known secrets in text and structured content', () => {
    const secrets = new KnownSecrets(['sk-live-0123456789abcdefgh']);
    expect(fromMcpToolResult({ content: [{ type: 'text', text: 'key=sk-live-0123456789abcdefgh' }] }, 1000, secrets).content).toBe('key=[redacted]');
    expect(fromMcpToolResult({ structuredContent: { key: 'sk-live-0123456789abcdefgh' } }, 1000, secrets).content).toBe('{"key":"[redacted]"}');
  });
});
