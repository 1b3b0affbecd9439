#!/usr/bin/env bash
# Search and ad pages at 100,000 ads on MariaDB, measured with wrk at
# concurrency 16. Needs MariaDB on 127.0.0.1 and wrk (apt-get install wrk).
#   bash bench/search.sh            # seeds motando_bench if it is empty
set -euo pipefail
cd "$(dirname "$0")/.."
export MYSQL_HOST=127.0.0.1 MYSQL_DBNAME=${MYSQL_DBNAME:-motando_bench} MOTANDO_ADDR=127.0.0.1:8090
export MOTANDO_DATA_DIR=${MOTANDO_DATA_DIR:-/tmp/motando-bench-data}
go build -o /tmp/motando-bench .
n=$(mysql -h127.0.0.1 -uroot -N -e "SELECT COUNT(*) FROM classifiedad WHERE listed = 1" "$MYSQL_DBNAME" 2>/dev/null || echo 0)
if [ "$n" -lt 100000 ]; then /tmp/motando-bench seed --bulk $((100000 - n)); fi
/tmp/motando-bench >/tmp/motando-bench.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf http://$MOTANDO_ADDR/healthz >/dev/null && break; sleep 0.2; done
curl -s "http://$MOTANDO_ADDR/sitemap.xml?pagina=1" > /tmp/motando-bench-sitemap.xml
grep -o '/anuncio/[^<]*' /tmp/motando-bench-sitemap.xml | awk 'NR % 25 == 0' > bench/search/ads.txt

run() { # run NAME SCRIPT [ENV]
  echo "== $1"
  env ${3:-} wrk -t2 -c16 -d${DURATION:-20s} --latency -s "$2" "http://$MOTANDO_ADDR" | grep -E "Requests/sec|^\s+(50|90|99)%"
}
env PARTIAL=1 wrk -t2 -c16 -d5s -s bench/search/mix.lua "http://$MOTANDO_ADDR" >/dev/null # warm up
run "results partial (HX-Request), search mix" bench/search/mix.lua PARTIAL=1
run "full /motos page, search mix" bench/search/mix.lua
run "ad page" bench/search/ads.lua
