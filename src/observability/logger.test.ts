import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('createLogger', () => {
  it('writes one JSON object per line, with the level as a word and secret paths redacted', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.stream });
    logger.info({ request_id: 'r1', api_key: 'sk-ant-SECRET-1', headers: { authorization: 'Bearer SECRET-2' } }, 'hello');
    logger.debug('not at info');
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 'info', request_id: 'r1', msg: 'hello', service: 'ossa-gateway', api_key: '[redacted]', headers: { authorization: '[redacted]' } });
  });

  it('writes human-readable lines when pretty (a terminal in dev), still redacted', () => {
    const out = capture();
    const logger = createLogger({ level: 'debug', pretty: true, destination: out.stream });
    logger.info({ request_id: 'r2', api_key: 'sk-ant-SECRET-3' }, 'agent execution completed');
    const text = out.text();
    expect(() => JSON.parse(text)).toThrow();
    // eslint-disable-next-line no-control-regex
    const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
    expect(plain).toMatch(/INFO.*agent execution completed/);
    expect(plain).toContain('request_id: "r2"');
    expect(plain).not.toContain('sk-ant-SECRET-3');
  });
});
