import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Environment } from '../../config/interpolate.js';
import type { OssaConfig } from '../../config/ossa-config.js';
import { formatPath, type SourceIssue } from '../../config/source-issue.js';
import { resolveSecret, type SecretVaultReader } from '../../secrets/resolve-secret.js';
import { HttpProblem } from '../problem.js';
import type { CacheMode } from '../../executor/agent-response.js';
import { AgentAllowList } from './agent-allow-list.js';
import type { AuthThrottle } from './auth-throttle.js';
import { callerIdOf } from './caller-id.js';
import { isWellKnownDigest, keyWeakness } from './key-strength.js';
import { KeyRing } from './key-ring.js';
import { requestCredential } from './request-credential.js';

/** A configured API client (`security.clients[]`), as known after its key was checked. */
export interface ApiClient {
  readonly id: string;
  /** Absent: every agent. */
  readonly agents?: AgentAllowList;
  /** Absent: every pass-through model; a client with an `agents` list but no `models` list gets an empty one (see `ClientConfig.models`). */
  readonly models?: AgentAllowList;
  /** `cache_control: true`: may skip the cache's lookup (`refresh`, `bypass`). */
  readonly cacheControl: boolean;
}

/** Who a request is for: the rate limiter's user and the executor's `userId`. */
export interface Caller {
  /** The client id, `<client>:<user>` with `X-User-Id` (each part encoded, see `callerIdOf`), or without clients the header or the client IP. */
  readonly userId: string;
  /** The authenticated client; absent when no clients are configured. */
  readonly client?: ApiClient;
}

/**
 * Who may use the admin routes (`/v1/cache...`, `/status`, `/status.json`):
 * `keys`: one of `security.admin_keys`; `open`: anyone (an open dev gateway: no clients, no
 * admin keys, `env: dev`); `disabled`: nobody, since no admin key is configured (403).
 */
export type AdminPolicy = 'keys' | 'open' | 'disabled';

/** `X-User-Id` values longer than this are refused rather than stored in logs and bucket keys. */
const MAX_USER_ID_LENGTH = 256;
const CLIENT_REALM = 'Bearer realm="ossa-gateway"';
const METRICS_REALM = 'Bearer realm="ossa-gateway metrics"';
/**
 * Admin routes accept the key both ways, and say so: Basic first, the challenge browsers
 * answer with their login prompt (the status page relies on it), Bearer for API tools.
 */
const ADMIN_BASIC = 'Basic realm="ossa-gateway admin", charset="UTF-8"';
const ADMIN_BEARER = 'Bearer realm="ossa-gateway admin"';

/** Where `fromConfig` resolves references, and where it reports plain-text keys. */
export interface AuthenticatorSources {
  /** The config file's name, for startup problems. */
  readonly source?: string;
  readonly vault?: SecretVaultReader;
  /** Warned once per key written in plain text or too weak (dev; prod refuses them). */
  readonly logger?: Logger;
  /** Counts failed checks and refuses guessers (`security.auth_throttle`); absent: nothing counted. */
  readonly throttle?: AuthThrottle;
}

/**
 * Decides who is calling, for every credential the gateway accepts:
 *
 * - Agent routes: with `security.clients` configured, `Authorization: Bearer <client key>`,
 *   or the key in an `x-api-key` or `api-key` header (401 without one or with a wrong one). Without clients (the development default) anyone
 *   may call, and the user is the client IP, or `X-User-Id` when
 *   `security.trust_user_header` is on.
 * - Admin routes (cache invalidation, the status page): one of `security.admin_keys`, as a
 *   bearer key or as the HTTP Basic password a browser's login prompt sends. With no admin key
 *   configured they are open only in an open dev gateway (no clients, `env: dev`), else 403.
 * - `/metrics`: `observability.metrics_token`, when set.
 *
 * Every reference is resolved once at startup (an unresolvable one, or in prod a plain-text
 * or weak one, is a startup problem naming the key path; see `keyWeakness`). Keys are then
 * held as SHA-256 digests and compared in constant time; no key is ever logged, echoed or
 * kept in plain text. A presented key that is wrong counts against its address and its kind
 * (`AuthThrottle`): past the limit, requests with a key get 429, unchecked.
 */
export class Authenticator {
  constructor(
    private readonly clients: KeyRing<ApiClient>,
    private readonly admins: KeyRing<true>,
    private readonly scrapers: KeyRing<true>,
    private readonly settings: { readonly trustUserHeader: boolean; readonly admin: AdminPolicy },
    private readonly throttle?: AuthThrottle,
  ) {}

  /** Builds it from `security` and `observability.metrics_token`; unresolvable keys are startup errors. */
  static fromConfig(config: OssaConfig, env: Environment, options: AuthenticatorSources = {}): { authenticator: Authenticator; errors: SourceIssue[] } {
    const errors: SourceIssue[] = [];
    const file = options.source ?? 'config';
    const { security } = config;
    // A weak key is refused in prod and warned about in dev: `false` when it is refused.
    const strongEnough = (at: string, weakness: string | undefined): boolean => {
      if (weakness === undefined) return true;
      const hint = 'make one with: ossa-gateway secrets:new-key';
      if (config.env === 'prod') {
        errors.push({ file, path: at, message: `is too weak: the key ${weakness}`, hint });
        return false;
      }
      options.logger?.warn({ setting: at }, `${at} is too weak for prod: the key ${weakness} (${hint})`);
      return true;
    };
    const resolve = (reference: string, path: (string | number)[], alternatives = '${VAR}, file:/run/secrets/..., vault:NAME'): string | undefined => {
      const at = formatPath(path);
      const resolved = resolveSecret(reference, env, options.vault);
      if (!resolved.ok) {
        errors.push({ file, path: at, message: `cannot be resolved: ${resolved.reason}` });
        return undefined;
      }
      if (resolved.literal) {
        if (config.env === 'prod' && !security.allow_plaintext_keys) {
          errors.push({ file, path: at, message: `is written in plain text; in prod use ${alternatives}` });
          return undefined;
        }
        options.logger?.warn({ setting: at }, `${at} is written in plain text in the config; use ${alternatives} instead`);
      }
      if (resolved.insecure) {
        if (config.env === 'prod') {
          errors.push({ file, path: at, message: `refused in prod: ${resolved.insecure}` });
          return undefined;
        }
        options.logger?.warn({ setting: at }, `${at}: ${resolved.insecure} (refused in prod)`);
      }
      const key = resolved.secret.reveal();
      return strongEnough(at, keyWeakness(key)) ? key : undefined;
    };

    const clients = new KeyRing<ApiClient>();
    security.clients.forEach((client, i) => {
      // A client an operator limited to some agents stays limited when models are added later.
      const models = client.models ?? (client.agents ? [] : undefined);
      const identity: ApiClient = {
        id: client.id,
        cacheControl: client.cache_control === true,
        ...(client.agents ? { agents: new AgentAllowList(client.agents) } : {}),
        ...(models ? { models: new AgentAllowList(models) } : {}),
      };
      if (client.key_sha256 !== undefined) {
        const weakness = isWellKnownDigest(client.key_sha256) ? 'is the SHA-256 of a well-known default or placeholder' : undefined;
        if (strongEnough(formatPath(['security', 'clients', i, 'key_sha256']), weakness)) clients.addDigest(client.key_sha256, identity);
      } else if (client.key !== undefined) {
        const key = resolve(client.key, ['security', 'clients', i, 'key'], '${VAR}, file:/run/secrets/..., vault:NAME or key_sha256');
        if (key !== undefined) clients.addKey(key, identity);
      }
    });
    const admins = new KeyRing<true>();
    security.admin_keys.forEach((reference, i) => {
      const key = resolve(reference, ['security', 'admin_keys', i]);
      if (key !== undefined) admins.addKey(key, true);
    });
    const scrapers = new KeyRing<true>();
    const token = config.observability.metrics_token;
    if (token !== undefined) {
      const key = resolve(token, ['observability', 'metrics_token']);
      if (key !== undefined) scrapers.addKey(key, true);
    }
    const admin: AdminPolicy =
      security.admin_keys.length > 0 ? 'keys' : security.clients.length === 0 && config.env === 'dev' ? 'open' : 'disabled';
    return { authenticator: new Authenticator(clients, admins, scrapers, { trustUserHeader: security.trust_user_header, admin }, options.throttle), errors };
  }

  /** True when agent requests need a client key. */
  get requiresClientKey(): boolean {
    return this.clients.size > 0;
  }

  /** Who may use the admin routes. */
  get adminPolicy(): AdminPolicy {
    return this.settings.admin;
  }

  /** The caller of an agent request; throws a 401 `HttpProblem` when a client key is needed and not given. */
  identify(request: FastifyRequest): Caller {
    if (!this.requiresClientKey) return { userId: this.userHeader(request) ?? request.ip };
    const presented = requestCredential(request);
    if (presented) this.throttle?.check(request.ip, 'client');
    if (presented === undefined || presented.scheme === 'basic') {
      if (presented) this.throttle?.failed(request.ip, 'client');
      throw new HttpProblem(401, 'unauthorized', 'Unauthorized', 'send a client API key as "Authorization: Bearer <key>" or "x-api-key: <key>"', {}, { 'www-authenticate': CLIENT_REALM });
    }
    const client = this.clients.match(presented.key);
    if (!client) {
      this.throttle?.failed(request.ip, 'client');
      throw new HttpProblem(401, 'unauthorized', 'Unauthorized', 'the API key is not valid', {}, { 'www-authenticate': `${CLIENT_REALM}, error="invalid_token"` });
    }
    this.throttle?.succeeded(request.ip, 'client');
    // Namespaced by client, so one client's users never share (or drain) another's buckets;
    // encoded, so client `a` with user `b:c` and client `a:b` with user `c` stay apart.
    return { userId: callerIdOf(client.id, this.userHeader(request)), client };
  }

  /**
   * Throws a 403 `HttpProblem` naming `field` (`cache`, `Cache-Control`) when the request
   * asks to skip the cache's lookup (`refresh`, `bypass`) and its client may not
   * (`security.clients[].cache_control` is off): a tenant that could refresh at will could
   * re-roll a shared answer until it got one it liked, and serve it to the others. Open
   * gateways (no clients) and in-process calls may. Every route that reads a cache mode from
   * a request calls this, whichever field it came from.
   */
  authorizeCacheMode(caller: Caller | undefined, mode: CacheMode | undefined, field: string): void {
    if (mode === undefined || mode === 'default') return;
    const client = caller?.client;
    if (client === undefined || client.cacheControl) return;
    throw new HttpProblem(
      403,
      'cache-control-forbidden',
      'Cache control not allowed',
      `client "${client.id}" may not skip the cache's lookup (${field}: ${mode}); an operator allows it with cache_control: true on the client`,
      { param: field },
    );
  }

  /**
   * Throws a 401 (with a Basic and a Bearer challenge) or a 403 `HttpProblem` unless the
   * request may use the admin routes.
   */
  authorizeAdmin(request: FastifyRequest): void {
    if (this.settings.admin === 'open') return;
    if (this.settings.admin === 'disabled') {
      throw new HttpProblem(403, 'admin-disabled', 'Admin routes disabled', 'no admin key is configured; set security.admin_keys to use the admin routes');
    }
    const presented = requestCredential(request);
    if (presented === undefined) {
      throw new HttpProblem(401, 'unauthorized', 'Unauthorized', 'this route needs an admin key: send "Authorization: Bearer <key>", or the key as the password of HTTP Basic', {}, {
        'www-authenticate': [ADMIN_BASIC, ADMIN_BEARER],
      });
    }
    this.throttle?.check(request.ip, 'admin');
    if (this.admins.match(presented.key) === undefined) {
      this.throttle?.failed(request.ip, 'admin');
      throw new HttpProblem(401, 'unauthorized', 'Unauthorized', 'the admin key is not valid', {}, { 'www-authenticate': [ADMIN_BASIC, `${ADMIN_BEARER}, error="invalid_token"`] });
    }
    this.throttle?.succeeded(request.ip, 'admin');
  }

  /**
   * True when the request may see admin-only details of an open route (`/readyz`): it carries a
   * valid admin key (or the gateway is open). Never throws: a wrong key, or one from a
   * throttled address, just gets no details, and a wrong key counts as a failure like any other,
   * so the route is no way around the throttle.
   */
  mayReadAdminDetails(request: FastifyRequest): boolean {
    if (this.settings.admin === 'open') return true;
    if (this.settings.admin === 'disabled') return false;
    const presented = requestCredential(request);
    if (presented === undefined) return false;
    try {
      this.throttle?.check(request.ip, 'admin');
    } catch {
      return false;
    }
    if (this.admins.match(presented.key) === undefined) {
      this.throttle?.failed(request.ip, 'admin');
      return false;
    }
    this.throttle?.succeeded(request.ip, 'admin');
    return true;
  }

  /** Throws a 401 `HttpProblem` unless the request may scrape `/metrics` (open without a `metrics_token`). */
  authorizeScrape(request: FastifyRequest): void {
    if (this.scrapers.size === 0) return;
    const presented = requestCredential(request);
    if (presented !== undefined) this.throttle?.check(request.ip, 'metrics');
    if (presented === undefined || this.scrapers.match(presented.key) === undefined) {
      if (presented !== undefined) this.throttle?.failed(request.ip, 'metrics');
      throw new HttpProblem(401, 'unauthorized', 'Unauthorized', 'this route needs the metrics token: send Authorization: Bearer <observability.metrics_token>', {}, {
        'www-authenticate': METRICS_REALM,
      });
    }
    this.throttle?.succeeded(request.ip, 'metrics');
  }

  /** Throws a 403 `HttpProblem` when the caller's client may not use the agent. */
  authorizeAgent(caller: Caller | undefined, agent: string): void {
    if (!this.mayUse(caller, agent)) throw forbidden(caller!.client!.id, agent);
  }

  /** Throws a 403 `HttpProblem` when the caller's client may not use the pass-through model (`security.clients[].models`). */
  authorizeModel(caller: Caller | undefined, model: string): void {
    if (!this.mayUseModel(caller, model)) throw forbidden(caller!.client!.id, model);
  }

  /**
   * Throws a 403 `HttpProblem` for a name the caller's client may use neither as an agent nor as
   * a model: the answer for a name that names nothing, so that it reads as the answer for one
   * outside the client's lists and a client cannot probe which ids exist.
   */
  authorizeUnknown(caller: Caller | undefined, name: string): void {
    if (!this.mayUse(caller, name) && !this.mayUseModel(caller, name)) throw forbidden(caller!.client!.id, name);
  }

  /** True when the caller may see the agent (for listings). */
  mayUse(caller: Caller | undefined, agent: string): boolean {
    return caller?.client?.agents?.allows(agent) ?? true;
  }

  /** True when the caller may see the pass-through model (for listings). */
  mayUseModel(caller: Caller | undefined, model: string): boolean {
    return caller?.client?.models?.allows(model) ?? true;
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

/** One wording for an agent and a model alike: which one a name is stays unknown to a client that may use neither. */
function forbidden(client: string, name: string): HttpProblem {
  return new HttpProblem(403, 'agent-forbidden', 'Not allowed', `client "${client}" may not use "${name}"`, { agent: name });
}
