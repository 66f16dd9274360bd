import type { AuditRecord } from './audit-record.js';

/** RFC 5424 facility 13, "log audit". */
const FACILITY_LOG_AUDIT = 13;
const SEVERITY = { info: 6, warning: 4 } as const;

/** The parts of the header that do not change per record. */
export interface SyslogIdentity {
  readonly hostname: string;
  /** APP-NAME, e.g. `ossa-gateway`. */
  readonly appName: string;
  readonly procId: number | string;
}

/**
 * One audit record as an RFC 5424 syslog message:
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG`, where PRI is facility 13 ("log
 * audit") with severity info (warning for `llm_error`), MSGID is the record's event
 * (`llm_request`, ...), there is no structured data, and MSG is the record as JSON.
 *
 * @example
 * formatSyslogMessage(record, { hostname: 'gw-1', appName: 'ossa-gateway', procId: 4242 });
 * // '<110>1 2025-06-01T12:00:00.000Z gw-1 ossa-gateway 4242 llm_request - {"timestamp":...}'
 */
export function formatSyslogMessage(record: AuditRecord, identity: SyslogIdentity): string {
  const severity = record.event === 'llm_error' ? SEVERITY.warning : SEVERITY.info;
  const pri = FACILITY_LOG_AUDIT * 8 + severity;
  const header = [
    `<${pri}>1`,
    new Date(record.timestamp).toISOString(),
    headerField(identity.hostname, 255),
    headerField(identity.appName, 48),
    headerField(String(identity.procId), 128),
    headerField(record.event, 32),
  ].join(' ');
  return `${header} - ${JSON.stringify(record)}`;
}

/** RFC 6587 octet-counting framing, for stream transports: `LENGTH SP MESSAGE`. */
export function frameOctetCounted(message: string): string {
  return `${Buffer.byteLength(message)} ${message}`;
}

/** A header field: printable US-ASCII without spaces, at most `max` characters, `-` when empty. */
function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean === '' ? '-' : clean;
}
