import type { AnthropicModel, AnthropicModelPage } from './anthropic-types.js';

/** Anthropic's page size when a request names none, and its largest. */
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1_000;

/** An agent or pass-through model as an Anthropic model: its name or id is the `model` a client asks for. `createdAt` is when the gateway loaded it (RFC 3339). */
export function toAnthropicModel(id: string, createdAt: string): AnthropicModel {
  return { type: 'model', id, display_name: id, created_at: createdAt };
}

/**
 * One page of `ids` as Anthropic's `GET /v1/models` answers it: `limit` (1 to 1000, default
 * 20) models after `after_id` or before `before_id`, `has_more` when the list goes on in that
 * direction, `first_id` and `last_id` to page on with. An id not in the list starts nowhere:
 * an empty page.
 */
export function toAnthropicModelPage(ids: readonly string[], createdAt: string, query: { readonly limit?: string; readonly after_id?: string; readonly before_id?: string }): AnthropicModelPage {
  const limit = Math.min(MAX_LIMIT, Math.max(1, query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit)));
  let page: readonly string[];
  let hasMore: boolean;
  if (query.before_id !== undefined) {
    const end = ids.indexOf(query.before_id);
    const start = Math.max(0, end - limit);
    page = end < 0 ? [] : ids.slice(start, end);
    hasMore = end > 0 && start > 0;
  } else {
    const after = query.after_id === undefined ? -1 : ids.indexOf(query.after_id);
    page = query.after_id !== undefined && after < 0 ? [] : ids.slice(after + 1, after + 1 + limit);
    hasMore = page.length > 0 && after + 1 + limit < ids.length;
  }
  return { data: page.map((id) => toAnthropicModel(id, createdAt)), has_more: hasMore, first_id: page[0] ?? null, last_id: page.at(-1) ?? null };
}
