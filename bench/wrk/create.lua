-- POST session creations, as a survey page's collector would start them.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

function init(args)
  headers = {
    ["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY"),
    ["Content-Type"] = "application/json",
  }
  counter = 0
end

function request()
  counter = counter + 1
  local body = '{"platform":"qualtrics","survey_id":"SV_bench","respondent_id":"R_' .. tid ..
    "_" .. counter .. '","environment":{"webdriver":false,"languages":["en-US"],' ..
    '"userAgent":"Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0","hardwareConcurrency":8}}'
  return wrk.format("POST", "/api/v1/detection/sessions", headers, body)
end
