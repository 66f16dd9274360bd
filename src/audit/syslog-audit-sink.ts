import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createConnection, isIPv6, type Socket } from 'node:net';
import { hostname } from 'node:os';
import type { AuditRecord } from './audit-record.js';
import type { AuditSink } from './audit-sink.js';
import { formatSyslogMessage, frameOctetCounted, type SyslogIdentity } from './syslog-message.js';

/** Where syslog messages go: a UDP address, or a unix stream socket. */
export type SyslogTarget =
  | { readonly transport: 'udp'; readonly host: string; readonly port: number }
  | { readonly transport: 'unix'; readonly path: string };

/** A `SyslogAuditSink`'s target and RFC 5424 header fields. */
export interface SyslogAuditSinkOptions {
  readonly target: SyslogTarget;
  /** APP-NAME of every message (`security.audit.syslog.app_name`). */
  readonly appName: string;
  /** Default: the machine's host name and this process's pid. */
  readonly identity?: Partial<SyslogIdentity>;
}

/**
 * Audit records as RFC 5424 syslog messages, one per record, over UDP (RFC 5426: one message
 * per datagram) or over a unix *stream* socket with RFC 6587 octet-counting framing.
 *
 * Why a stream socket: Node has no unix datagram sockets, and `/dev/log` is a datagram socket
 * on most Linux systems, so the unix transport needs a syslog daemon listening on a stream
 * socket (syslog-ng `unix-stream("/run/ossa-audit.sock" flags(syslog-protocol))`, rsyslog
 * `imptcp` with `path=`). Connecting to a datagram socket fails with a message that says so.
 * The connection is opened on first use and re-opened after an error.
 *
 * @example
 * new SyslogAuditSink({ target: { transport: 'udp', host: '127.0.0.1', port: 514 }, appName: 'ossa-gateway' });
 */
export class SyslogAuditSink implements AuditSink {
  readonly name = 'syslog';
  readonly #target: SyslogTarget;
  readonly #identity: SyslogIdentity;
  #udp: UdpSocket | undefined;
  #stream: Socket | undefined;

  constructor(options: SyslogAuditSinkOptions) {
    this.#target = options.target;
    this.#identity = {
      hostname: options.identity?.hostname ?? hostname(),
      appName: options.identity?.appName ?? options.appName,
      procId: options.identity?.procId ?? process.pid,
    };
  }

  async write(records: readonly AuditRecord[]): Promise<void> {
    const messages = records.map((record) => formatSyslogMessage(record, this.#identity));
    if (this.#target.transport === 'udp') {
      for (const message of messages) await this.#sendUdp(message, this.#target.host, this.#target.port);
      return;
    }
    const socket = await this.#connect(this.#target.path);
    await new Promise<void>((resolve, reject) => {
      socket.write(messages.map(frameOctetCounted).join(''), (error) => (error ? reject(error) : resolve()));
    });
  }

  async close(): Promise<void> {
    const udp = this.#udp;
    this.#udp = undefined;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream && !stream.destroyed) await new Promise<void>((resolve) => stream.end(() => resolve()));
  }

  #sendUdp(message: string, host: string, port: number): Promise<void> {
    this.#udp ??= createSocket(isIPv6(host) ? 'udp6' : 'udp4').on('error', () => {
      // Errors also reach the send callback; this listener only keeps them from crashing the process.
    });
    const udp = this.#udp;
    return new Promise((resolve, reject) => udp.send(message, port, host, (error) => (error ? reject(error) : resolve())));
  }

  #connect(path: string): Promise<Socket> {
    const current = this.#stream;
    if (current && !current.destroyed && !current.connecting) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const socket = createConnection({ path });
      const onError = (error: NodeJS.ErrnoException): void => {
        socket.destroy();
        if (this.#stream === socket) this.#stream = undefined;
        reject(
          error.code === 'EPROTOTYPE'
            ? new Error(`${path} is a datagram socket; the syslog unix transport needs a stream socket (see README, "Audit log")`, { cause: error })
            : error,
        );
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        // Later errors (the daemon went away) drop the socket; the next batch reconnects.
        socket.on('error', () => socket.destroy());
        socket.on('close', () => {
          if (this.#stream === socket) this.#stream = undefined;
        });
        this.#stream = socket;
        resolve(socket);
      });
    });
  }
}
