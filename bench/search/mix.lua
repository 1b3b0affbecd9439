-- wrk script: a mix of typical searches, chosen at random per request.
-- PARTIAL=1 sends HX-Request (the htmx results partial); otherwise the
-- whole /motos page. Brand 7 is Honda, 18 Yamaha in the reference catalog.
local paths = {
  "/motos?marca=7",
  "/motos?marca=18",
  "/motos?marca=18&estado=SP",
  "/motos?marca=7&estado=MG",
  "/motos?preco_min=10000&preco_max=30000&ordem=menor_preco",
  "/motos?preco_min=20000&preco_max=60000&ordem=maior_preco",
  "/motos?pagina=300",
  "/motos?ordem=menor_km&pagina=150",
}
local partial = os.getenv("PARTIAL") == "1"
math.randomseed(42)

request = function()
  local headers = {}
  if partial then headers["HX-Request"] = "true" end
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
