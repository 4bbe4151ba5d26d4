-- The floor: a bare GET /health on the same server, with the same settings, in the same run.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
