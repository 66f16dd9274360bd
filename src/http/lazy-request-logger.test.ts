import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { LazyRequestLogger } from './lazy-request-logger.js';

function capture(level: string): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({ write(chunk: Buffer, _encoding, done) { chunks.push(chunk.toString()); done(); } });
  const logger = createLogger({ level, destination });
  return { logger, lines: () => chunks.join('').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('LazyRequestLogger', () => {
  it('writes the same line as an eager child, with its bindings', () => {
    const { logger, lines } = capture('info');
    new LazyRequestLogger(logger, { request_id: 'r-1' }, {}).info({ status: 200 }, 'request completed');
    logger.child({ request_id: 'r-1' }).info({ status: 200 }, 'request completed');
    const [lazy, eager] = lines();
    expect({ ...lazy, time: 0 }).toEqual({ ...eager, time: 0 });
    expect(lazy).toMatchObject({ request_id: 'r-1', status: 200, msg: 'request completed', level: 'info' });
  });

  it('makes no child for lines below the level, and honours a child level', () => {
    const { logger, lines } = capture('warn');
    let children = 0;
    const counting = Object.assign(Object.create(logger) as typeof logger, { child: (...args: Parameters<typeof logger.child>) => (children++, logger.child(...args)) });
    const log = new LazyRequestLogger(counting, { request_id: 'r-2' }, {});
    log.info('not written');
    log.debug('not written');
    expect(children).toBe(0);
    expect(log.level).toBe('warn');
    log.error('written');
    expect(children).toBe(1);
    new LazyRequestLogger(logger, { request_id: 'r-3' }, { level: 'debug' }).debug('route level');
    expect(lines().map((l) => [l['request_id'], l['msg']])).toEqual([['r-2', 'written'], ['r-3', 'route level']]);
  });

  it('redacts secrets in bindings and lines as the parent does', () => {
    const { logger, lines } = capture('info');
    new LazyRequestLogger(logger, { request_id: 'r-4' }, {}).info({ authorization: 'Bearer sk-secret' }, 'x');
    expect(JSON.stringify(lines())).not.toContain('sk-secret');
  });
});
