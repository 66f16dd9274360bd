import { RedisScript } from '../redis/redis-script.js';

/**
 * The Redis side of `RateLimitStore.take`: the same arithmetic as `token-bucket.ts`, in one
 * script, so checking every bucket of a request is one atomic round trip.
 *
 * KEYS: the buckets' keys (all in one hash slot; see `RedisRateLimitStore`).
 * ARGV[1]: the clock in epoch milliseconds, or '' for the server's `TIME` (production: every
 *          gateway process shares Redis's clock, whatever its own says).
 * ARGV[2k], ARGV[2k+1]: capacity and refill per millisecond of bucket k.
 * Returns: { allowed (0|1), then per bucket: remaining, reset ms, retry-after ms }.
 *
 * State is a hash { t = tokens, ts = when }; a missing key is a full bucket, and each key
 * expires once it would have refilled (plus a second), so idle users cost nothing.
 */
export const TAKE_TOKENS_SCRIPT = new RedisScript(`
local now
if ARGV[1] ~= '' then
  now = tonumber(ARGV[1])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local n = #KEYS
local levels = {}
local allowed = 1
for i = 1, n do
  local capacity = tonumber(ARGV[2 * i])
  local rate = tonumber(ARGV[2 * i + 1])
  local state = redis.call('HMGET', KEYS[i], 't', 'ts')
  local tokens = tonumber(state[1])
  if tokens == nil then
    tokens = capacity
  else
    local elapsed = now - tonumber(state[2])
    if elapsed < 0 then elapsed = 0 end
    tokens = math.min(capacity, math.floor((tokens + elapsed * rate) * 1e6 + 0.5) / 1e6)
  end
  levels[i] = tokens
  if tokens < 1 then allowed = 0 end
end
local out = { allowed }
for i = 1, n do
  local capacity = tonumber(ARGV[2 * i])
  local rate = tonumber(ARGV[2 * i + 1])
  local tokens = levels[i]
  if allowed == 1 then
    tokens = tokens - 1
    redis.call('HSET', KEYS[i], 't', string.format('%.6f', tokens), 'ts', string.format('%.3f', now))
    redis.call('PEXPIRE', KEYS[i], math.ceil((capacity - tokens) / rate) + 1000)
  end
  local reset = 0
  if tokens < capacity then reset = math.ceil((capacity - tokens) / rate - 1e-6) end
  local retry = 0
  if tokens < 1 then retry = math.ceil((1 - tokens) / rate - 1e-6) end
  local remaining = math.floor(tokens)
  if remaining < 0 then remaining = 0 end
  out[#out + 1] = remaining
  out[#out + 1] = reset
  out[#out + 1] = retry
end
return out
`);
