import type { CacheScope } from '../config/ossa-config.js';
import type { ExecuteOptions } from '../executor/agent-response.js';

/** Who is asking, as far as the cache's scope cares. */
export type CacheRequester = Pick<ExecuteOptions, 'clientId' | 'userId'>;

/**
 * The part of a cache key that says who may share its entry (the key's `scope` field):
 * nothing for `global` (every caller: keys as before scopes existed), `client:<id>` for
 * `client`, `user:<user id>` for `user` (the user id already names its client, see
 * `callerIdOf`). A caller with no client (an open gateway, an in-process call) has the empty
 * id: such callers share among themselves, never with a client's entries (client ids are
 * never empty). The two prefixes keep a client id and a user id that are equal apart.
 */
export function cachePartition(scope: CacheScope, requester: CacheRequester): string | undefined {
  switch (scope) {
    case 'global':
      return undefined;
    case 'client':
      return `client:${requester.clientId ?? ''}`;
    case 'user':
      return `user:${requester.userId ?? ''}`;
    default: {
      const unknown: never = scope;
      throw new Error(`unknown cache scope ${String(unknown)}`);
    }
  }
}
