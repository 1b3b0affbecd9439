-- Shared by the wrk scripts of bench/search.sh (each starts with
-- dofile("bench/search/common.lua"), run from the repository's root).
--
-- It gives every wrk thread an id and its own random sequence, reads the
-- lists the shell script wrote (one value per line, in $SEARCH_LISTS), makes
-- sure no search is sent twice in a run (see fresh and tagged below), and
-- prints one line the shell script reads when the run ends:
--   RESULT requests/s p50_ms p90_ms p99_ms non2xx socket_errors requests redraws
--
-- Environment: SEARCH_LISTS (folder of the lists), RUN (0–9, a number the
-- shell gives each wrk run that sends new searches), PARTIAL=1 (send
-- HX-Request: true as htmx does, for the results partial).

-- Common words of Brazilian sales phrases, folded (no accents, lower case)
-- as the index keeps words. Some are in the demo ads, some are not: people
-- type both.
sales_words = {
  "unica", "dono", "dona", "revisada", "revisoes", "concessionaria", "impecavel", "pronta", "rodar",
  "baixa", "quilometragem", "abaixo", "tabela", "viajar", "aceito", "troca", "carro", "nunca", "caiu",
  "detalhes", "documentacao", "ipva", "pago", "garagem", "original", "toda", "conservada", "nova",
  "seminova", "zerada", "financio", "parcelo", "quitada", "barbada", "oportunidade", "urgente",
  "particular", "estrada", "partida", "eletrica", "freio", "abs", "bau", "alarme", "manual", "chave",
  "reserva", "escapamento", "pneus", "novos", "economica", "vistoriada", "laudo", "cautelar",
  "licenciada", "transfiro", "entrada", "proposta", "vista",
}

-- Thread ids, given in the main Lua state as wrk creates the threads.
local threads = {}
function setup(thread)
  thread:set("id", #threads) -- 0, 1, …: a global of the thread's own state
  table.insert(threads, thread)
end

run = tonumber(os.getenv("RUN") or "0")
partial = os.getenv("PARTIAL") == "1"
redraws = 0 -- searches drawn again because this thread had sent them already

-- start_thread seeds the thread's random numbers and checks its tag; every
-- script's init calls it.
function start_thread()
  id = id or 0
  assert(id <= 9 and run >= 0 and run <= 9, "the tag holds 10 threads and 10 runs at most")
  tag = 10 * id + run
  math.randomseed(7919 * (run + 1) + 104729 * (id + 1))
end
init = start_thread

-- The headers of a request: htmx's when PARTIAL=1.
function search_headers()
  if partial then return { ["HX-Request"] = "true" } end
  return {}
end

-- lines reads a list the shell script wrote, one value per line.
function lines(name)
  local dir = os.getenv("SEARCH_LISTS") or "/tmp/motando-bench-search"
  local t = {}
  for l in io.lines(dir .. "/" .. name) do
    if l ~= "" then t[#t + 1] = l end
  end
  assert(#t > 0, dir .. "/" .. name .. " is empty")
  return t
end

function pick(t) return t[math.random(#t)] end

-- Uniqueness. A price in whole reais ends with the two digits of the tag,
-- 10 × thread id + run: searches of different threads, or of different wrk
-- runs against the same server (warm-up, partials, full pages, free text),
-- can never be equal. Within a thread, fresh keeps every path sent and draws
-- again on a repeat (widening the random ranges after a few tries), so no
-- two requests of a whole benchmark are the same search.
function tagged(reais)
  return math.floor(reais / 100) * 100 + tag
end

local seen = {}
function fresh(make)
  for try = 0, 999 do
    local path = make(1 + math.floor(try / 10)) -- make(widen)
    if not seen[path] then
      seen[path] = true
      return path
    end
    redraws = redraws + 1
  end
  error("no new search in 1000 draws")
end

-- The result line, after wrk's own report. Latencies are in milliseconds.
function done(summary, latency, requests)
  local e = summary.errors
  local drawn = 0
  for _, t in ipairs(threads) do drawn = drawn + (t:get("redraws") or 0) end
  io.write(string.format("RESULT %.1f %.3f %.3f %.3f %d %d %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout, summary.requests, drawn))
end
