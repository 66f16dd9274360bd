import type { Server } from '@modelcontextprotocol/sdk/server/index.js';

/** What the fixture server counts, shared by its sessions. */
export interface FixtureState {
  calls: number;
  cancelled: number;
  extraTools: string[];
  servers: Set<Server>;
}

export function newFixtureState(): FixtureState;
export function createFixtureServer(state?: FixtureState): Server;

export interface HttpFixture {
  /** Streamable HTTP endpoint. */
  readonly url: string;
  /** SSE endpoint (the 2024-11-05 transport). */
  readonly sseUrl: string;
  readonly port: number;
  readonly state: FixtureState;
  /** Drops every connection and stops listening, like a crash. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

export function startHttpFixture(options?: { port?: number; requireAuthorization?: string }): Promise<HttpFixture>;
