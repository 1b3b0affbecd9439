-- wrk script: new searches, every request a search not made before in the
-- run (see fresh and tagged in common.lua). Three kinds, drawn at random:
--   (a) brand × state × price range × year range × order × page (1–100,
--       most on the first, see page)
--   (b) a free-text word (catalog or sales phrase) with a price cap
--   (c) a broad price range with an order and a page (as above)
-- PARTIAL=1 sends HX-Request (the htmx results partial); otherwise the
-- whole /motos page. Lists: brands.txt (ids), states.txt (UFs), words.txt
-- (folded words of brand and model names), written by bench/search.sh.
dofile("bench/search/common.lua")

local orders = { "recentes", "menor_preco", "maior_preco", "menor_km", "mais_novas" }

-- page draws a page as visitors reach them: most stay on the first, some
-- go a few pages on, a few go deep (up to 100).
local function page()
  local r = math.random()
  if r < 0.6 then return 1 elseif r < 0.9 then return math.random(2, 5) end
  return math.random(6, 100)
end
local brands, states, words, headers

function init(args)
  start_thread()
  brands, states, words = lines("brands.txt"), lines("states.txt"), lines("words.txt")
  for _, w in ipairs(sales_words) do words[#words + 1] = w end
  headers = search_headers()
end

-- (a) R$ 1,000–40,000 up to R$ 2,000–100,000 more; model years 1990–2026.
local function filtered(widen)
  local lo = 500 * math.random(2, 80)
  local hi = tagged(lo + 500 * math.random(4, 200 * widen))
  local y1 = math.random(1990, 2026)
  local y2 = math.random(y1, 2026)
  return string.format("/motos?marca=%s&estado=%s&preco_min=%d&preco_max=%d&ano_min=%d&ano_max=%d&ordem=%s&pagina=%d",
    pick(brands), pick(states), lo, hi, y1, y2, pick(orders), page())
end

-- (b) up to R$ 5,000–150,000.
local function worded(widen)
  return string.format("/motos?q=%s&preco_max=%d", pick(words), tagged(100 * math.random(50, 1500 * widen)))
end

-- (c) from R$ 1,000–15,000 up to R$ 20,000–150,000 more.
local function broad(widen)
  local lo = 1000 * math.random(1, 15)
  local hi = tagged(lo + 1000 * math.random(20, 150 * widen))
  return string.format("/motos?preco_min=%d&preco_max=%d&ordem=%s&pagina=%d", lo, hi, pick(orders), page())
end

local kinds = { filtered, worded, broad }

request = function()
  return wrk.format("GET", fresh(kinds[math.random(#kinds)]), headers)
end
