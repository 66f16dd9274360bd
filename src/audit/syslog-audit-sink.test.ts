import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/gateway-harness.js';
import type { AuditRecord } from './audit-record.js';
import { SyslogAuditSink } from './syslog-audit-sink.js';
import { formatSyslogMessage, frameOctetCounted } from './syslog-message.js';

const request: AuditRecord = { event: 'llm_request', timestamp: Date.UTC(2025, 5, 1, 12), request_id: 'req-1', attempt: 1, provider: 'anthropic', model: 'm', agent: 'a', agent_version: '1.0.0', streamed: false, prompt_length: 10, temperature: 0.5, max_tokens: 100, tools_count: 0 };
const error: AuditRecord = { event: 'llm_error', timestamp: Date.UTC(2025, 5, 1, 12), request_id: 'req-1', attempt: 1, provider: 'anthropic', model: 'm', agent: 'a', agent_version: '1.0.0', streamed: false, duration_ms: 3, error_class: 'ProviderError:http', error_message: 'anthropic answered 500', status: 500, aborted: false };
const identity = { hostname: 'gw-1', procId: 4242 };

/** Splits an RFC 6587 octet-counted byte stream into messages. */
function unframe(data: Buffer): string[] {
  const messages: string[] = [];
  let rest = data;
  while (rest.length > 0) {
    const space = rest.indexOf(0x20);
    const length = Number(rest.subarray(0, space).toString('ascii'));
    messages.push(rest.subarray(space + 1, space + 1 + length).toString('utf8'));
    rest = rest.subarray(space + 1 + length);
  }
  return messages;
}

describe('syslog messages', () => {
  it('formats an audit record as RFC 5424: facility log audit, info, MSGID = event, JSON body', () => {
    expect(formatSyslogMessage(request, { ...identity, appName: 'ossa-gateway' })).toBe(`<110>1 2025-06-01T12:00:00.000Z gw-1 ossa-gateway 4242 llm_request - ${JSON.stringify(request)}`);
  });

  it('logs llm_error at severity warning', () => {
    expect(formatSyslogMessage(error, { ...identity, appName: 'ossa-gateway' })).toMatch(/^<108>1 /);
  });

  it('keeps header fields to printable ASCII without spaces, "-" when empty', () => {
    expect(formatSyslogMessage(request, { hostname: 'my host', appName: '', procId: 1 })).toMatch(/^<110>1 \S+ myhost - 1 llm_request - /);
  });

  it('frames by octet count, in bytes not characters', () => {
    expect(frameOctetCounted('héllo')).toBe('6 héllo');
  });
});

describe('SyslogAuditSink', () => {
  it('sends one RFC 5424 datagram per record over UDP', async () => {
    const server = createSocket('udp4');
    const received: string[] = [];
    const got = new Promise<void>((resolve) =>
      server.on('message', (message) => {
        received.push(message.toString('utf8'));
        if (received.length === 2) resolve();
      }),
    );
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    const sink = new SyslogAuditSink({ target: { transport: 'udp', host: '127.0.0.1', port: server.address().port }, appName: 'ossa-test', identity });
    await sink.write([request, error]);
    await got;
    await sink.close();
    server.close();
    expect(received[0]).toBe(formatSyslogMessage(request, { ...identity, appName: 'ossa-test' }));
    expect(JSON.parse(received[1]!.slice(received[1]!.indexOf('{')))).toEqual(error);
  });

  it('writes octet-counted frames over a unix stream socket, reconnecting after the daemon restarts', async () => {
    const path = join(tempDir(), 'syslog.sock');
    const chunks: Buffer[] = [];
    const sockets = new Set<Socket>();
    const listen = () => {
      const server = createServer((socket) => {
        sockets.add(socket);
        socket.on('data', (chunk) => chunks.push(chunk));
      });
      return new Promise<typeof server>((resolve) => server.listen(path, () => resolve(server)));
    };
    let server = await listen();
    const sink = new SyslogAuditSink({ target: { transport: 'unix', path }, appName: 'ossa-test', identity });
    await sink.write([request, error]);
    await waitFor(() => unframe(Buffer.concat(chunks)).length === 2);
    expect(unframe(Buffer.concat(chunks))).toEqual([request, error].map((r) => formatSyslogMessage(r, { ...identity, appName: 'ossa-test' })));

    // The daemon goes away: the write fails (the audit log falls back), then a restart is picked up.
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await waitFor(async () => (await sink.write([request]).then(() => false, () => true)));
    server = await listen();
    chunks.length = 0;
    await sink.write([error]);
    await waitFor(() => unframe(Buffer.concat(chunks)).length === 1);
    await sink.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('rejects with a clear message when nothing listens on the unix socket', async () => {
    const sink = new SyslogAuditSink({ target: { transport: 'unix', path: join(tempDir(), 'none.sock') }, appName: 'ossa-test' });
    await expect(sink.write([request])).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

/** Polls a condition (socket delivery is asynchronous); fails after two seconds. */
async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  const until = Date.now() + 2_000;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
