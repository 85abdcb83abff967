/**
 * The Lua scripts of RedisLimiter. Redis runs a script alone, start to end,
 * so each is one atomic step for every scope of a request. Keys of scope i
 * (4 each, in this order): its request log (zset lease id → admission time),
 * its token log (zset lease id → time), the token amounts (hash lease id →
 * tokens, field '#' their sum), its open leases (zset lease id → deadline).
 *
 * Both scripts are idempotent: ioredis resends a command whose reply a
 * dropped connection lost, and a resent admit or release must not count twice.
 */

/** Shared by both scripts: the token log, pruned to the window; returns the tokens in it. */
const tokenLog = `
local function int(x) return string.format('%d', x) end
local function tokensUsed(z, h, cutoff)
  -- Either key gone alone (expiry, eviction) leaves the other stale: both go.
  if redis.call('EXISTS', z) == 0 or redis.call('HEXISTS', h, '#') == 0 then
    redis.call('DEL', z, h)
    return 0
  end
  while true do
    local old = redis.call('ZRANGEBYSCORE', z, '-inf', cutoff, 'LIMIT', 0, 500)
    if #old == 0 then break end
    local amounts = redis.call('HMGET', h, unpack(old))
    local freed = 0
    for j = 1, #amounts do freed = freed + (tonumber(amounts[j]) or 0) end
    redis.call('HDEL', h, unpack(old))
    redis.call('ZREM', z, unpack(old))
    redis.call('HINCRBY', h, '#', int(-freed))
  end
  return tonumber(redis.call('HGET', h, '#') or '0')
end
local function resetOf(z, now, window)
  local e = redis.call('ZRANGE', z, -1, -1, 'WITHSCORES')
  if #e == 0 then return 0 end
  return tonumber(e[2]) + window - now
end
`;

/**
 * ARGV: now, window, lease id, estimated tokens, lease deadline, lease key
 * TTL, concurrency retry ms, then per scope rpm, tpm, max concurrency (-1: none).
 * Returns {admitted 1|0, refusing scope (1-based), kind (1 rpm, 2 tpm,
 * 3 concurrency), retry after ms, exceeds 1|0, then per scope: requests
 * used, requests reset ms, tokens used, tokens reset ms, in flight}.
 */
export const admitScript = `${tokenLog}
local now, window, id, est = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local deadline, leaseTtl, concurrencyRetry = ARGV[5], ARGV[6], tonumber(ARGV[7])
local n = #KEYS / 4
local cutoff = now - window
local function limits(i)
  local b = 7 + 3 * (i - 1)
  return tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])
end

-- A resent admit finds its lease id already in (writes are all or none).
local replay = false
do
  local rpm, tpm, conc = limits(1)
  local key = (rpm >= 0 and KEYS[1]) or (tpm >= 0 and KEYS[2]) or KEYS[4]
  replay = redis.call('ZSCORE', key, id) ~= false
end

local refused, kind, wait, exceeds = 0, 0, 0, 0
local function consider(i, k, w, x)
  if refused > 0 then
    if x ~= exceeds then
      if x == 0 then return end
    elseif w <= wait then return end
  end
  refused, kind, wait, exceeds = i, k, w, x
end

local used = {}
for i = 1, n do
  local rpm, tpm, conc = limits(i)
  local rk, tz, th, ck = KEYS[4 * i - 3], KEYS[4 * i - 2], KEYS[4 * i - 1], KEYS[4 * i]
  local r, t, c = 0, 0, 0
  if rpm >= 0 then
    redis.call('ZREMRANGEBYSCORE', rk, '-inf', cutoff)
    r = redis.call('ZCARD', rk)
    if not replay and r + 1 > rpm then
      local w = window
      if rpm > 0 then
        local e = redis.call('ZRANGE', rk, r - rpm, r - rpm, 'WITHSCORES')
        w = tonumber(e[2]) + window - now
      end
      consider(i, 1, w, rpm < 1 and 1 or 0)
    end
  end
  if tpm >= 0 then
    t = tokensUsed(tz, th, cutoff)
    if not replay and t + est > tpm then
      local w = resetOf(tz, now, window)
      if w == 0 then w = window end
      if est <= tpm then
        local need, freed, found = t + est - tpm, 0, false
        for start = 0, 900, 100 do
          local e = redis.call('ZRANGE', tz, start, start + 99, 'WITHSCORES')
          if #e == 0 then break end
          local members = {}
          for j = 1, #e, 2 do members[#members + 1] = e[j] end
          local amounts = redis.call('HMGET', th, unpack(members))
          for j = 1, #members do
            freed = freed + (tonumber(amounts[j]) or 0)
            if freed >= need then w = tonumber(e[2 * j]) + window - now; found = true; break end
          end
          if found then break end
        end
      end
      consider(i, 2, w, est > tpm and 1 or 0)
    end
  end
  if conc >= 0 then
    redis.call('ZREMRANGEBYSCORE', ck, '-inf', now)
    c = redis.call('ZCARD', ck)
    if not replay and c + 1 > conc then consider(i, 3, concurrencyRetry, conc < 1 and 1 or 0) end
  end
  used[i] = { r, t, c }
end

local admit = refused == 0 and not replay
local out = { refused == 0 and 1 or 0, refused, kind, wait, exceeds }
for i = 1, n do
  local rpm, tpm, conc = limits(i)
  local rk, tz, th, ck = KEYS[4 * i - 3], KEYS[4 * i - 2], KEYS[4 * i - 1], KEYS[4 * i]
  local r, t, c = used[i][1], used[i][2], used[i][3]
  if admit then
    if rpm >= 0 then
      redis.call('ZADD', rk, now, id)
      redis.call('PEXPIRE', rk, window + 1000)
      r = r + 1
    end
    if tpm >= 0 then
      redis.call('ZADD', tz, now, id)
      redis.call('HSET', th, id, ARGV[4])
      redis.call('HINCRBY', th, '#', ARGV[4])
      redis.call('PEXPIRE', tz, window + 1000)
      redis.call('PEXPIRE', th, window + 1000)
      t = t + est
    end
    if conc >= 0 then
      redis.call('ZADD', ck, deadline, id)
      redis.call('PEXPIRE', ck, leaseTtl)
      c = c + 1
    end
  end
  local rr, tr = 0, 0
  if rpm >= 0 then rr = resetOf(rk, now, window) end
  if tpm >= 0 then tr = resetOf(tz, now, window) end
  out[#out + 1] = r
  out[#out + 1] = rr
  out[#out + 1] = t
  out[#out + 1] = tr
  out[#out + 1] = c
end
return out
`;

/**
 * The end of a lease. ARGV: now, window, lease id, estimated tokens, real
 * tokens (-1: keep the estimate), mode ('release' | 'cancel'), then per
 * scope its limits as letters ('r', 't', 'c').
 * Release frees the slots and corrects the token entry (or, when the entry
 * has aged out, counts the tokens over the estimate from now); cancel
 * removes the lease from every log, as if never admitted.
 */
export const endLeaseScript = `${tokenLog}
local now, window, id, est, tokens, mode = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local n = #KEYS / 4
local cutoff = now - window
for i = 1, n do
  local has = ARGV[6 + i]
  local rk, tz, th, ck = KEYS[4 * i - 3], KEYS[4 * i - 2], KEYS[4 * i - 1], KEYS[4 * i]
  if string.find(has, 'c', 1, true) then redis.call('ZREM', ck, id) end
  if mode == 'cancel' and string.find(has, 'r', 1, true) then redis.call('ZREM', rk, id) end
  if string.find(has, 't', 1, true) and (mode == 'cancel' or tokens >= 0) then
    tokensUsed(tz, th, cutoff)
    local old = redis.call('HGET', th, id)
    if mode == 'cancel' then
      if old then
        redis.call('HDEL', th, id)
        redis.call('ZREM', tz, id)
        redis.call('HINCRBY', th, '#', int(-tonumber(old)))
      end
    elseif old then
      redis.call('HSET', th, id, ARGV[5])
      redis.call('HINCRBY', th, '#', int(tokens - tonumber(old)))
    elseif tokens > est then
      local late = id .. '+'
      local before = redis.call('HGET', th, late)
      redis.call('ZADD', tz, now, late)
      redis.call('HSET', th, late, int(tokens - est))
      redis.call('HINCRBY', th, '#', int(tokens - est - (tonumber(before) or 0)))
      redis.call('PEXPIRE', tz, window + 1000)
      redis.call('PEXPIRE', th, window + 1000)
    end
  end
end
return 1
`;
