-- wrk script: free text as people type it, every request new. The text is
--   five times in ten a prefix of 2–6 letters of a word, as typed so far;
--   two times in ten a whole word;
--   two times in ten a brand or model name typed up to its next word's
--     prefix ("honda cg 1", "yamaha fa");
--   one time in ten two words at random, the second a prefix ("aceito ni").
-- Words are the folded words of the brand and model names (words.txt and,
-- as "brand model" lines, names.txt, written by bench/search.sh) and common
-- sales words (common.lua).
--
-- How each request is new: the text comes with a generous price cap,
-- preco_max of R$ 100,000–500,000 (most ads are below it, so the text
-- decides the results), and that cap ends with the two digits of the
-- thread's and the run's tag; a thread never sends the same text and cap
-- twice (fresh in common.lua). No parameter the server ignores is used.
-- PARTIAL=1 sends HX-Request, as the search box does.
dofile("bench/search/common.lua")

local words, names, headers

function init(args)
  start_thread()
  words, names = lines("words.txt"), {}
  for _, line in ipairs(lines("names.txt")) do
    local name = {}
    for w in line:gmatch("%S+") do name[#name + 1] = w end
    if #name >= 2 then names[#names + 1] = name end
  end
  for _, w in ipairs(sales_words) do words[#words + 1] = w end
  headers = search_headers()
end

local function typed(w)
  if #w <= 2 then return w end
  return w:sub(1, math.random(2, math.min(6, #w)))
end

-- "+" is the space of a query string.
local function text()
  local r = math.random(10)
  if r <= 5 then return typed(pick(words)) end
  if r <= 7 then return pick(words) end
  if r <= 9 then
    local name = pick(names)
    local n = math.random(2, #name)
    return table.concat(name, "+", 1, n - 1) .. "+" .. typed(name[n])
  end
  local a, b = pick(words), typed(pick(words))
  if a == b then return a end -- "honda honda" is the search "honda"
  return a .. "+" .. b
end

local function search(widen)
  return string.format("/motos?q=%s&preco_max=%d", text(), tagged(100 * math.random(1000, 5000 * widen)))
end

request = function()
  return wrk.format("GET", fresh(search), headers)
end
