-- wrk script: ad pages drawn at random from ads.txt, each request from a
-- visitor of its own (a phone browser's User-Agent with a number), so that
-- every view is a first view of the day and is counted.
dofile("bench/search/common.lua")

local paths
local n = 0

function init(args)
  start_thread()
  paths = lines("ads.txt")
end

request = function()
  n = n + 1
  local ua = "Mozilla/5.0 (Linux; Android 14; visitante " .. id .. "-" .. n .. ") AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"
  return wrk.format("GET", pick(paths), { ["User-Agent"] = ua })
end
