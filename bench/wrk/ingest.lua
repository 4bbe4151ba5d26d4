-- POST batches of BENCH_EVENTS mousemove events, each with a unique batch id, round-robin over
-- the sessions listed in BENCH_SESSIONS. Bodies are random-walk pointer paths made up front, so
-- the load generator spends its time sending, not building JSON.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

function init(args)
  key = os.getenv("BENCH_KEY")
  sessions = read_lines(os.getenv("BENCH_SESSIONS"))
  local n = tonumber(os.getenv("BENCH_EVENTS"))
  math.randomseed(1000 + tid)
  bodies = {}
  for b = 1, 64 do
    local parts, x, y, t = {}, 400 + math.random(-200, 200), 300 + math.random(-150, 150), 1000
    for i = 1, n do
      x = x + math.random(-6, 6) + math.random()
      y = y + math.random(-5, 5)
      t = t + 8 + math.random() * 9
      parts[i] = string.format('{"type":"mousemove","t":%.1f,"x":%.1f,"y":%d}', t, x, y)
    end
    bodies[b] = table.concat(parts, ",")
  end
  counter = 0
  headers = {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}
end

function request()
  counter = counter + 1
  local sid = sessions[(counter % #sessions) + 1]
  local body = '{"batch_id":"w' .. tid .. "-" .. counter .. '","events":[' ..
    bodies[(counter % #bodies) + 1] .. "]}"
  return wrk.format("POST", "/api/v1/detection/sessions/" .. sid .. "/events", headers, body)
end
