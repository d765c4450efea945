-- One-off URLs for wrk: each request a random `limit` (1-60) and a page at an offset of 0-900,
-- so almost no URL repeats. bench/miss_path.py sets TEMPLATE: a format with %d for the limit
-- and %d for the page (the API) or the offset (the peer); OFFSET=1 for the peer.
local template = os.getenv("MISS_PATH_TEMPLATE")
local by_offset = os.getenv("MISS_PATH_OFFSET") == "1"

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed or os.time())
end

function request()
  local limit = math.random(1, 60)
  local page = math.random(0, math.floor(900 / limit))
  local second = by_offset and page * limit or page + 1
  return wrk.format("GET", string.format(template, limit, second))
end
