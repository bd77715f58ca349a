-- wrk script for the cross-check of the floor: one wrk thread cycles through the same raw requests
-- the load generator sends (the floor keeps no state, so their order does not matter). If wrk gets
-- no more from the floor than bench/loadgen.ts does, the load generator is not what limits the floor.
--
-- Environment: BENCH_DIR, a folder with conn-<n>.req files (records "<step> <bytes>\n<raw request>").

local requests = {}
local i = 0

local function load(dir)
  for n = 1, 1000000 do
    local f = io.open(dir .. "/conn-" .. n .. ".req", "rb")
    if not f then break end
    while #requests < 20000 do
      local header = f:read("*l")
      if not header then break end
      local len = tonumber(header:match(" (%d+)$"))
      requests[#requests + 1] = f:read(len)
    end
    f:close()
    if #requests >= 20000 then break end
  end
end

function init(args)
  load(os.getenv("BENCH_DIR"))
end

function request()
  i = i % #requests + 1
  return requests[i]
end
