/** A server the load is aimed at: the gateway, Portkey, or the mock itself for the direct baseline. */
export interface ServerUnderTest {
  /** `ossa-gateway`, `portkey` or `direct`: the row label in the report. */
  readonly kind: 'ossa-gateway' | 'portkey' | 'direct';
  /** Whose CPU and RSS are measured. */
  readonly pid: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** How it was started, for the report. */
  readonly command: string;
  stop(): Promise<unknown>;
}
