-- wrk script: a different province and indicator on every request (the "cold" series), from
-- the lists bench/run.sh writes to bench-targets.txt beside it (one "province indicator" a line).
--
-- wrk runs `request` for every request, on the same two cores as the server, and the share of
-- the ceiling charges its cost to the server: each request is therefore put together from
-- pieces made once (the request lines' starts in `init`, once per thread) by one concatenation,
-- rather than by `wrk.format`.
local path = os.getenv("BENCH_TARGETS") or "bench-targets.txt"
local from = os.getenv("BENCH_FROM") or "2021-09"
local to = os.getenv("BENCH_TO") or "2024-12"
-- BENCH_LATER_PAGE=N: a later page instead, after a random id from 1 to N (the cursor the API
-- would have issued, base64url of {"s":"id","k":id}): up to 40 rows, as deep into a series as
-- paging through it goes.
local later_page = tonumber(os.getenv("BENCH_LATER_PAGE") or "")

-- Each of wrk's threads runs this script in a Lua state of its own, and without a seed of its
-- own each draws the same "random" requests: every URL asked once per thread, so the second ask
-- could be answered from the cache. Each thread is seeded with its number.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

-- Spellings of the same end (`to=2024` ends when `2024-12` does) and parameters given at their
-- default: with a page size above the 40 rows they keep the answer's bytes while making each URL
-- new, so no response cache can answer it, even at 10,000 rows where there are only 63 series.
-- (chiso answers it from the observations it holds in memory; bench/run.sh also measures it on
-- a server holding none, which reads the database.)
local year = to:match("^(%d%d%d%d)")
local ends = { to }
if to == year .. "-12" then
  ends = {}
  for _, e in ipairs({ "", "-12", "-Q4", "-q4", "-H2", "-h2", "-12M" }) do ends[#ends + 1] = year .. e end
end
local defaults = { "", "&sort=id", "&lang=en", "&format=json", "&sort=id&lang=en",
  "&sort=id&format=json", "&lang=en&format=json", "&sort=id&lang=en&format=json" }

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local function base64url(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    for j = 1, (c and 4) or (b and 3) or 2 do
      local k = math.floor(n / 64 ^ (4 - j)) % 64
      out[#out + 1] = alphabet:sub(k + 1, k + 1)
    end
  end
  return table.concat(out)
end

local random = math.random
local heads, tail
local n_heads, n_ends, n_defaults = 0, #ends, #defaults

function init(args)
  math.randomseed(thread_number or 0)
  -- "GET /api/v1/observations?province=P&indicator=I&from=F&to=" for each series.
  heads = {}
  for line in io.lines(path) do
    local province, indicator = line:match("^(%S+) (%S+)$")
    if province then
      heads[#heads + 1] = "GET /api/v1/observations?province=" .. province .. "&indicator="
        .. indicator .. "&from=" .. from .. "&to="
    end
  end
  n_heads = #heads
  tail = " HTTP/1.1\r\nHost: " .. (wrk.headers["Host"] or wrk.host) .. "\r\n\r\n"
end

request = function()
  local cursor = ""
  if later_page then
    cursor = "&cursor=" .. base64url('{"s":"id","k":' .. random(1, later_page) .. '}')
  end
  return heads[random(n_heads)] .. ends[random(n_ends)] .. "&limit=" .. random(41, 1000)
    .. defaults[random(n_defaults)] .. cursor .. tail
end
