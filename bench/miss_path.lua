-- One-off URLs for wrk: each request a random `limit` (1-60) at a random `offset` (0-900), so
-- few URLs repeat in a run (54,060 of them). bench/miss_path.py sets MISS_PATH_TEMPLATE: a
-- format with %d for the limit, then %d for the offset.
local template = os.getenv("MISS_PATH_TEMPLATE")

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed or os.time())
end

function request()
  return wrk.format("GET", string.format(template, math.random(1, 60), math.random(0, 900)))
end
