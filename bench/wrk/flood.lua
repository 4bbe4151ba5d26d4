-- Failed authentication: every request a new, well-formed, random secret key, paced like
-- paced.lua so that the flood runs at the rate bench/auth_flood.py asks for.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

function init(args)
  math.randomseed(os.time() + tid)
end

function request()
  local key = {}
  for i = 1, 40 do
    local n = math.random(#alphabet)
    key[i] = alphabet:sub(n, n)
  end
  wrk.headers["Authorization"] = "Bearer bs_sk_" .. table.concat(key)
  wrk.headers["X-Forwarded-For"] = os.getenv("BENCH_FORWARDED_FOR") or "203.0.113.9"
  return wrk.format("GET")
end

function delay()
  return pause
end
