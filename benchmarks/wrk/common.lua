-- Shared by every scenario script: headers from the environment that run.py sets.
--   BENCH_HOST   Host header (<tenant>.localhost:<port>)
--   BENCH_KEY    the tenant's API key (Authorization header)
--   BENCH_MAX    highest ticket number that surely exists (details/update/add_reply)
local M = {}

M.max = tonumber(os.getenv("BENCH_MAX") or "1000")

function M.headers(json)
  wrk.headers["Host"] = os.getenv("BENCH_HOST")
  wrk.headers["Authorization"] = os.getenv("BENCH_KEY")
  if json then
    wrk.headers["Content-Type"] = "application/json"
  end
end

-- Each wrk thread has its own Lua state: seed it differently per thread.
local counter = 0
function M.setup(thread)
  counter = counter + 1
  thread:set("thread_seed", counter)
end

function M.seed()
  math.randomseed(os.time() * 1000 + (thread_seed or 0))
end

function M.ticket()
  return math.random(1, M.max)
end

return M
