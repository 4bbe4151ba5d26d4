-- A steady authenticated reader: GET with BENCH_AUTH, each connection waiting BENCH_DELAY_MS
-- between requests (the wait is not part of the latency wrk reports).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
wrk.headers["Authorization"] = os.getenv("BENCH_AUTH")
wrk.headers["X-Forwarded-For"] = os.getenv("BENCH_FORWARDED_FOR") or "198.51.100.7"
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")

function delay()
  return pause
end
