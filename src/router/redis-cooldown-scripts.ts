/**
 * The Lua scripts of RedisCooldowns. Keys: KEYS[1] the target's failure
 * times (a sorted set, scored and named by time), KEYS[2] the hash of every
 * open or half-open breaker (target → cooldown end, unix ms), KEYS[3] the
 * target's probe claim.
 */

/** ARGV: target, now, failures, window ms, duration ms, a unique member. Returns the cooldown's end if this failure opened it, else 0. */
export const failScript = `
local now = tonumber(ARGV[2])
local untilMs = tonumber(redis.call('HGET', KEYS[2], ARGV[1]))
local open
if untilMs then
  if untilMs > now then return 0 end
  open = true
else
  local window = tonumber(ARGV[4])
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  redis.call('ZADD', KEYS[1], now, ARGV[6])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window))
  open = redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3])
end
if not open then return 0 end
untilMs = now + tonumber(ARGV[5])
redis.call('HSET', KEYS[2], ARGV[1], untilMs)
redis.call('PEXPIRE', KEYS[2], 86400000)
redis.call('DEL', KEYS[1], KEYS[3])
return untilMs
`;

/** KEYS[1] the hash, KEYS[2] the probe claim; ARGV: target, now. Closes a half-open breaker; returns 1 if it did. */
export const succeedScript = `
local untilMs = tonumber(redis.call('HGET', KEYS[1], ARGV[1]))
if untilMs and untilMs <= tonumber(ARGV[2]) then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('DEL', KEYS[2])
  return 1
end
return 0
`;
