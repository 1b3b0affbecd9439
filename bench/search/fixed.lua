-- wrk script: the URL given to wrk, every request the same (the home page,
-- the repeated search); headers come from wrk -H. Only the result line of
-- common.lua is added.
dofile("bench/search/common.lua")
