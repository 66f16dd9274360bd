import { RedisScript } from '../redis/redis-script.js';

/**
 * The Redis side of `BudgetStore.reserve`: every counter of a request checked and held in one
 * atomic round trip, so two processes can never both take the last of a budget.
 *
 * KEYS: the counters (all in one hash slot; see `RedisBudgetStore`).
 * ARGV[3k-2], ARGV[3k-1], ARGV[3k]: limit, amount and TTL (ms) of counter k.
 * Returns: { allowed (0|1), then per counter: spent, held }.
 *
 * State is a hash { s = settled, h = held }; a missing key is an unused counter.
 */
export const RESERVE_BUDGET_SCRIPT = new RedisScript(`
local n = #KEYS
local spent = {}
local held = {}
local allowed = 1
for i = 1, n do
  local state = redis.call('HMGET', KEYS[i], 's', 'h')
  spent[i] = tonumber(state[1]) or 0
  held[i] = tonumber(state[2]) or 0
  if spent[i] + held[i] + tonumber(ARGV[3 * i - 1]) > tonumber(ARGV[3 * i - 2]) then allowed = 0 end
end
local out = { allowed }
for i = 1, n do
  if allowed == 1 then
    held[i] = redis.call('HINCRBY', KEYS[i], 'h', ARGV[3 * i - 1])
    if redis.call('PTTL', KEYS[i]) < tonumber(ARGV[3 * i]) then redis.call('PEXPIRE', KEYS[i], ARGV[3 * i]) end
  end
  out[#out + 1] = spent[i]
  out[#out + 1] = held[i]
end
return out
`);

/**
 * The Redis side of `BudgetStore.settle` (and of a refund: a settlement that spent 0).
 *
 * KEYS: the counters. ARGV[3k-2], ARGV[3k-1], ARGV[3k]: held, spent and TTL (ms) of counter k.
 * Returns: per counter, spent and held after the call. A counter that no longer exists belongs
 * to a window that has ended: nothing to settle there (it reads 0, 0).
 */
export const SETTLE_BUDGET_SCRIPT = new RedisScript(`
local out = {}
for i = 1, #KEYS do
  local spent = 0
  local held = 0
  if redis.call('EXISTS', KEYS[i]) == 1 then
    held = redis.call('HINCRBY', KEYS[i], 'h', -tonumber(ARGV[3 * i - 2]))
    if held < 0 then
      held = 0
      redis.call('HSET', KEYS[i], 'h', 0)
    end
    spent = redis.call('HINCRBY', KEYS[i], 's', ARGV[3 * i - 1])
  end
  out[#out + 1] = spent
  out[#out + 1] = held
end
return out
`);
