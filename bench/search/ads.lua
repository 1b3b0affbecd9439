-- wrk script: ad pages /anuncio/{id}/{slug}, drawn at random from ads.txt:
-- every listed ad, from every page of the sitemap (written by
-- bench/search.sh).
dofile("bench/search/common.lua")

local paths

function init(args)
  start_thread()
  paths = lines("ads.txt")
end

request = function()
  return wrk.format("GET", pick(paths))
end
