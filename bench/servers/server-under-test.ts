/** A server the load is aimed at: the gateway, Portkey, the mock itself for the direct baseline, or a bare baseline server (issue #12). */
export interface ServerUnderTest {
  /** `ossa-gateway`, `portkey`, `direct` or `baseline`: the row label in the report. */
  readonly kind: 'ossa-gateway' | 'portkey' | 'direct' | 'baseline';
  /** Whose CPU and RSS are measured. */
  readonly pid: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** How it was started, for the report. */
  readonly command: string;
  stop(): Promise<unknown>;
}
