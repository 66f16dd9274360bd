import type { Logger } from 'pino';
import type { AuditConfig, SecurityConfig } from '../config/ossa-config.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import { AuditLog } from './audit-log.js';
import type { AuditSink } from './audit-sink.js';
import { FileAuditSink } from './file-audit-sink.js';
import { StreamAuditSink } from './stream-audit-sink.js';
import { SyslogAuditSink } from './syslog-audit-sink.js';

/**
 * The audit log `security` asks for, or `undefined` when `audit_logging` is off. Nothing is
 * opened yet: the file or socket is opened on the first write, and a failure there sends
 * records to stderr instead of stopping the gateway.
 */
export function createAuditLog(security: SecurityConfig, deps: { events: EventDispatcher; logger: Logger }): AuditLog | undefined {
  if (!security.audit_logging) return undefined;
  return new AuditLog(createAuditSink(security.audit), deps);
}

/** The sink `security.audit.sink` names. */
export function createAuditSink(audit: AuditConfig): AuditSink {
  switch (audit.sink) {
    case 'file':
      return new FileAuditSink({ path: audit.path, maxFileBytes: audit.max_file_bytes, maxFiles: audit.max_files });
    case 'stdout':
      return new StreamAuditSink('stdout', process.stdout);
    case 'syslog': {
      const { transport, host, port, path, app_name } = audit.syslog;
      const target = transport === 'udp' ? { transport, host, port } : { transport, path };
      return new SyslogAuditSink({ target, appName: app_name });
    }
    default: {
      const unknown: never = audit.sink;
      throw new Error(`unknown audit sink ${String(unknown)}`);
    }
  }
}
