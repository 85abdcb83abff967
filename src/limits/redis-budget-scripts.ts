/**
 * The Lua scripts of RedisBudgetStore: each is one atomic step over all of
 * a request's scopes. Keys of scope i (2 each): its period's figures (hash:
 * `spent`, `held`, `gen` — an id of this copy of the figures, new at each
 * seeding — and `r:<request id>` per open reservation, `x:<request id>` per
 * lapsed one, `d:<request id>` per request settled after a re-seeding), and
 * its open reservations' deadlines (zset request id → ms).
 *
 * A script that finds a scope's figures missing changes nothing and answers
 * {-1, scope indexes (1-based)}: the store seeds them from the ledger
 * (seedScript, only if still absent) and runs it again.
 */

const shared = `
local function int(x) return string.format('%d', x) end
local function missing()
  local out = {}
  for i = 1, #KEYS / 2 do
    if redis.call('HEXISTS', KEYS[2 * i - 1], 'spent') == 0 then out[#out + 1] = i end
  end
  if #out == 0 then return nil end
  table.insert(out, 1, -1)
  return out
end
-- Reservations past their deadline stop counting; 'x:<id>' remembers them, so that a late settle still charges once.
local function lapse(h, z, now)
  local gone = redis.call('ZRANGEBYSCORE', z, '-inf', now)
  for j = 1, #gone do
    local a = redis.call('HGET', h, 'r:' .. gone[j])
    if a then
      redis.call('HDEL', h, 'r:' .. gone[j])
      redis.call('HSET', h, 'x:' .. gone[j], a)
      redis.call('HINCRBY', h, 'held', int(-tonumber(a)))
    end
  end
  if #gone > 0 then redis.call('ZREMRANGEBYSCORE', z, '-inf', now) end
end
`;

/**
 * ARGV: now, request id, amount, deadline, then per scope: limit, key TTL ms
 * (-1: none). Returns {1, gen per scope} (reserved, or already open under
 * this request id: a resent command), {0, refusing scope, spent, held}, or
 * {-1, ...} (see above).
 */
export const reserveScript = `${shared}
local now, id, amount, deadline = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), ARGV[4]
local n = #KEYS / 2
local absent = missing()
if absent then return absent end
local function reserved()
  local out = { 1 }
  for i = 1, n do out[#out + 1] = redis.call('HGET', KEYS[2 * i - 1], 'gen') end
  return out
end
if redis.call('HEXISTS', KEYS[1], 'r:' .. id) == 1 then return reserved() end
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  lapse(h, z, now)
  local spent = tonumber(redis.call('HGET', h, 'spent'))
  local held = tonumber(redis.call('HGET', h, 'held') or '0')
  if spent + held + amount > tonumber(ARGV[3 + 2 * i]) then return { 0, i, spent, held } end
end
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('HINCRBY', h, 'held', ARGV[3])
  redis.call('HSET', h, 'r:' .. id, ARGV[3])
  redis.call('ZADD', z, deadline, id)
  local ttl = tonumber(ARGV[4 + 2 * i])
  if ttl > 0 then
    redis.call('PEXPIRE', h, ttl)
    redis.call('PEXPIRE', z, ttl)
  end
end
return reserved()
`;

/**
 * ARGV: request id, actual cost, then per scope the gen its reservation saw.
 * Charges each scope once per request id: the open reservation is let go and
 * the cost added; a lapsed one ('x:') is charged; one already settled is
 * not. Where the figures were re-seeded since the reservation (gen differs),
 * the cost is added once, remembered by 'd:<id>'. Returns {1} or {-1, ...}.
 */
export const settleScript = `${shared}
local id, actual = ARGV[1], ARGV[2]
local n = #KEYS / 2
local absent = missing()
if absent then return absent end
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  if redis.call('HGET', h, 'gen') ~= ARGV[2 + i] then
    if redis.call('HSETNX', h, 'd:' .. id, 1) == 1 then redis.call('HINCRBY', h, 'spent', actual) end
  else
    local a = redis.call('HGET', h, 'r:' .. id)
    if a then
      redis.call('HDEL', h, 'r:' .. id)
      redis.call('ZREM', z, id)
      redis.call('HINCRBY', h, 'held', int(-tonumber(a)))
      redis.call('HINCRBY', h, 'spent', actual)
    elseif redis.call('HDEL', h, 'x:' .. id) == 1 then
      redis.call('HINCRBY', h, 'spent', actual)
    end
  end
end
return { 1 }
`;

/** ARGV: now. Returns {spent, held} of the one scope, or {-1, 1}. */
export const statusScript = `${shared}
local absent = missing()
if absent then return absent end
lapse(KEYS[1], KEYS[2], tonumber(ARGV[1]))
return { tonumber(redis.call('HGET', KEYS[1], 'spent')), tonumber(redis.call('HGET', KEYS[1], 'held') or '0') }
`;

/**
 * Sets a scope's figures from the ledger, only if still absent (another
 * instance may have seeded them first, and reserved since). ARGV: spent,
 * gen, key TTL ms (-1: none). Returns 1 when set, 0 when already there.
 */
export const seedScript = `
if redis.call('HEXISTS', KEYS[1], 'spent') == 1 then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[1], 'spent', ARGV[1], 'held', 0, 'gen', ARGV[2])
local ttl = tonumber(ARGV[3])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
`;
