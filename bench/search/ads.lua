-- wrk script: ad pages, chosen at random from ads.txt (canonical paths, one
-- per line, taken from the sitemap by bench/search.sh).
local paths = {}
for line in io.lines("bench/search/ads.txt") do paths[#paths + 1] = line end
math.randomseed(7)

request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
