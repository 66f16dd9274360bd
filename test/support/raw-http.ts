import { connect, type Socket } from 'node:net';

/** What came back on a raw connection: the parsed answer, or nothing if the server closed first. */
export interface RawAnswer {
  /** 0 when the server closed the connection without answering. */
  readonly status: number;
  /** Header names lowercased; a repeated header keeps its last value. */
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The whole answer as received, for failure messages. */
  readonly raw: string;
}

/**
 * Sends `bytes` as they are on a fresh TCP connection (what fetch refuses to send: invalid
 * UTF-8, CRLF in header values, lying Content-Length, chunked garbage), half-closes, and reads
 * until the server closes. Rejects when the server neither answers nor closes within `timeoutMs`:
 * a hang is a failure, not a slow answer.
 */
export function sendRaw(port: number, bytes: Buffer, timeoutMs = 5_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer and no close within ${timeoutMs} ms for ${JSON.stringify(bytes.subarray(0, 200).toString('latin1'))}`));
    }, timeoutMs);
    socket.on('connect', () => socket.end(bytes));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset after the answer (the server closing on a half-read request) is not a failure.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseAnswer(Buffer.concat(chunks)));
    });
  });
}

/** Parses the first HTTP/1.1 answer in `data` (Content-Length or chunked body). */
export function parseAnswer(data: Buffer): RawAnswer {
  const raw = data.toString('latin1');
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: '', raw };
  const [statusLine = '', ...lines] = raw.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = data.subarray(Buffer.byteLength(raw.slice(0, end + 4), 'latin1'));
  const length = headers['content-length'];
  const bodyBytes = headers['transfer-encoding'] === 'chunked' ? dechunk(rest) : length !== undefined ? rest.subarray(0, Number(length)) : rest;
  return { status, headers, body: bodyBytes.toString('utf8'), raw };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** A raw connection a test writes to at its own pace, and how it ended. */
export interface SlowConnection {
  readonly socket: Socket;
  /** Writes, unless the server already closed the connection. */
  write(bytes: string | Buffer): void;
  /** Resolves when the server closes: after how long (from connecting), and what it answered (status 0: nothing). */
  readonly closed: Promise<{ readonly afterMs: number; readonly answer: RawAnswer }>;
  /** True once the connection is closed. */
  readonly isClosed: () => boolean;
}

/**
 * Opens a TCP connection and keeps it open (no half-close, unlike `sendRaw`), so a test can be
 * the slow client: nothing at all, headers a line at a time, a body a byte at a time.
 */
export function connectSlow(port: number): Promise<SlowConnection> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let done = false;
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    const closed = new Promise<{ afterMs: number; answer: RawAnswer }>((settle) => {
      socket.on('close', () => {
        done = true;
        settle({ afterMs: Date.now() - started, answer: parseAnswer(Buffer.concat(chunks)) });
      });
    });
    socket.once('connect', () =>
      resolve({
        socket,
        write: (bytes) => {
          if (!done && socket.writable) socket.write(bytes);
        },
        closed,
        isClosed: () => done,
      }),
    );
    socket.once('error', reject);
  });
}

/** Writes `pieces` one every `everyMs` until they run out or the connection closes. */
export async function trickle(connection: SlowConnection, pieces: readonly string[], everyMs: number): Promise<void> {
  for (const piece of pieces) {
    if (connection.isClosed()) return;
    connection.write(piece);
    await Promise.race([new Promise((resolve) => setTimeout(resolve, everyMs)), connection.closed]);
  }
}
