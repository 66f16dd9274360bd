import type { FastifyRequest } from 'fastify';
import type { Environment } from '../../config/interpolate.js';
import type { OssaConfig } from '../../config/ossa-config.js';
import { formatPath, type SourceIssue } from '../../config/source-issue.js';
import { resolveSecret, type SecretVaultReader } from '../../secrets/resolve-secret.js';
import { HttpProblem } from '../problem.js';
import { AgentAllowList } from './agent-allow-list.js';
import { KeyRing } from './key-ring.js';

/** A configured API client (`security.clients[]`), as known after its key was checked. */
export interface ApiClient {
  readonly id: string;
  /** Absent: every agent. */
  readonly agents?: AgentAllowList;
}

/** Who a request is for: the rate limiter's user and the executor's `userId`. */
export interface Caller {
  readonly userId: string;
  /** The authenticated client; absent when no clients are configured. */
  readonly client?: ApiClient;
}

/** `X-User-Id` values longer than this are refused rather than stored in logs and bucket keys. */
const MAX_USER_ID_LENGTH = 256;
const REALM = 'Bearer realm="ossa-gateway"';

/**
 * Decides who is calling. With `security.clients` configured, every agent request needs
 * `Authorization: Bearer <client key>`: 401 without one or with a wrong one. Without clients
 * (the development default) anyone may call, and the user is the client IP, or `X-User-Id`
 * when `security.trust_user_header` is on. Admin routes need one of `security.admin_keys`;
 * with none configured they are open only in an open dev gateway (no clients, `env: dev`).
 * Keys are held as SHA-256 digests and compared in constant time; no key is ever logged,
 * echoed or kept in plain text after startup.
 */
export class Authenticator {
  constructor(
    private readonly clients: KeyRing<ApiClient>,
    private readonly admins: KeyRing<true>,
    private readonly settings: { readonly trustUserHeader: boolean; readonly openAdmin: boolean },
  ) {}

  /** Builds it from `security`, resolving each key reference; unresolvable keys are startup errors. */
  static fromConfig(config: OssaConfig, env: Environment, options: { readonly source?: string; readonly vault?: SecretVaultReader } = {}): { authenticator: Authenticator; errors: SourceIssue[] } {
    const errors: SourceIssue[] = [];
    const file = options.source ?? 'config';
    const { security } = config;
    const resolve = (reference: string, path: (string | number)[]): string | undefined => {
      const resolved = resolveSecret(reference, env, options.vault);
      if (!resolved.ok) {
        errors.push({ file, path: formatPath(path), message: `cannot be resolved: ${resolved.reason}` });
        return undefined;
      }
      if (resolved.literal && config.env === 'prod' && !security.allow_plaintext_keys) {
        errors.push({ file, path: formatPath(path), message: 'is written in plain text; in prod use ${VAR}, file:/run/secrets/..., vault:NAME or key_sha256' });
        return undefined;
      }
      return resolved.secret.reveal();
    };

    const clients = new KeyRing<ApiClient>();
    security.clients.forEach((client, i) => {
      const identity: ApiClient = { id: client.id, ...(client.agents ? { agents: new AgentAllowList(client.agents) } : {}) };
      if (client.key_sha256 !== undefined) clients.addDigest(client.key_sha256, identity);
      else if (client.key !== undefined) {
        const key = resolve(client.key, ['security', 'clients', i, 'key']);
        if (key !== undefined) clients.addKey(key, identity);
      }
    });
    const admins = new KeyRing<true>();
    security.admin_keys.forEach((reference, i) => {
      const key = resolve(reference, ['security', 'admin_keys', i]);
      if (key !== undefined) admins.addKey(key, true);
    });
    const openAdmin = admins.size === 0 && security.clients.length === 0 && config.env === 'dev';
    return { authenticator: new Authenticator(clients, admins, { trustUserHeader: security.trust_user_header, openAdmin }), errors };
  }

  /** True when agent requests need a client key. */
  get requiresClientKey(): boolean {
    return this.clients.size > 0;
  }

  /** The caller of an agent request; throws a 401 `HttpProblem` when a client key is needed and not given. */
  identify(request: FastifyRequest): Caller {
    if (!this.requiresClientKey) return { userId: this.userHeader(request) ?? request.ip };
    const client = this.clients.match(this.bearerToken(request, 'a client API key'));
    if (!client) throw invalidKey();
    const endUser = this.userHeader(request);
    // Namespaced by client, so one client's users never share (or drain) another's buckets.
    return { userId: endUser === undefined ? client.id : `${client.id}:${endUser}`, client };
  }

  /** Throws a 401 or 403 `HttpProblem` unless the request may use the admin routes. */
  authorizeAdmin(request: FastifyRequest): void {
    if (this.admins.size === 0) {
      if (this.settings.openAdmin) return;
      throw new HttpProblem(403, 'admin-disabled', 'Admin routes disabled', 'no admin key is configured; set security.admin_keys to use the admin routes');
    }
    if (this.admins.match(this.bearerToken(request, 'an admin key')) === undefined) throw invalidKey();
  }

  /** Throws a 403 `HttpProblem` when the caller's client may not use the agent. */
  authorizeAgent(caller: Caller | undefined, agent: string): void {
    const allowed = caller?.client?.agents;
    if (allowed && !allowed.allows(agent)) {
      throw new HttpProblem(403, 'agent-forbidden', 'Agent not allowed', `client "${caller.client!.id}" may not use agent "${agent}"`, { agent });
    }
  }

  /** True when the caller may see the agent (for listings). */
  mayUse(caller: Caller | undefined, agent: string): boolean {
    return caller?.client?.agents?.allows(agent) ?? true;
  }

  private bearerToken(request: FastifyRequest, what: string): string {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer[ \t]+(\S.*)$/i.exec(header);
    if (!match) {
      throw new HttpProblem(401, 'unauthorized', 'Unauthorized', `send ${what} as "Authorization: Bearer <key>"`, {}, { 'www-authenticate': REALM });
    }
    return match[1]!.trim();
  }

  private userHeader(request: FastifyRequest): string | undefined {
    if (!this.settings.trustUserHeader) return undefined;
    const value = request.headers['x-user-id'];
    const id = Array.isArray(value) ? value[0] : value;
    if (id === undefined || id.trim() === '') return undefined;
    if (id.length > MAX_USER_ID_LENGTH) {
      throw new HttpProblem(400, 'invalid-user-id', 'Invalid X-User-Id', `X-User-Id is longer than ${MAX_USER_ID_LENGTH} characters`);
    }
    return id.trim();
  }
}

function invalidKey(): HttpProblem {
  return new HttpProblem(401, 'unauthorized', 'Unauthorized', 'the API key is not valid', {}, { 'www-authenticate': `${REALM}, error="invalid_token"` });
}
