#!/usr/bin/env bash
# Ad page with and without counting: what the sellers' statistics cost a
# view, at 100,000 ads (SQLite, the embedded default).
#
# Builds the site, fills a SQLite data folder with BENCH_ADS listed ads
# (motando seed --bulk, once), then ROUNDS times starts the server with
# MOTANDO_STATS=true and with MOTANDO_STATS=false (in turn, so that the
# machine's noise falls on both) and measures ad pages drawn at random from
# every ad of the sitemap, each request from a visitor of its own
# (bench/adstats/views.lua: every view counted), wrk -t2 -c16 for DURATION.
# Prints each run's requests/s and p99, each round's on/off ratio (the two
# runs of a round are back to back, so the machine's load falls on both),
# the medians and the median ratio.
#
#   bash bench/adstats.sh
#   ROUNDS=5 DURATION=30s bash bench/adstats.sh
#
# Needs wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_ADS=${BENCH_ADS:-100000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15s}
WORK=${BENCH_WORK:-/tmp/motando-bench-adstats}
export MOTANDO_DATA_DIR=${MOTANDO_DATA_DIR:-$WORK/data}
export SEARCH_LISTS=$WORK
ADDR=127.0.0.1:8091
BIN=$WORK/motando

mkdir -p "$WORK"
go build -o "$BIN" .
if [[ ! -f $WORK/seeded-$BENCH_ADS ]]; then
  rm -rf "$MOTANDO_DATA_DIR"
  "$BIN" seed --bulk "$BENCH_ADS" >/dev/null
  touch "$WORK/seeded-$BENCH_ADS"
fi

start() { # start MOTANDO_STATS value
  MOTANDO_STATS=$1 MOTANDO_ADDR=$ADDR MOTANDO_OPS_ADDR= MOTANDO_LOG_LEVEL=warn "$BIN" >>"$WORK/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    curl -sf "http://$ADDR/readyz" >/dev/null 2>&1 && return
    sleep 0.2
  done
  echo "server not ready" >&2
  exit 1
}
stop() { kill "$pid"; wait "$pid" || true; }

start true
curl -sf "http://$ADDR/sitemap.xml" >"$WORK/sitemap.xml"
pages=$(grep -o 'sitemap.xml?pagina=[0-9]*' "$WORK/sitemap.xml" | cut -d= -f2 || true)
if [[ -z $pages ]]; then
  grep -o '/anuncio/[^<]*' "$WORK/sitemap.xml" >"$WORK/ads.txt"
else
  for p in $pages; do curl -sf "http://$ADDR/sitemap.xml?pagina=$p" | grep -o '/anuncio/[^<]*'; done >"$WORK/ads.txt"
fi
stop
echo "$(wc -l <"$WORK/ads.txt") ad pages; $ROUNDS rounds of $DURATION each, counting on and off in turn"

declare -A rates last
ratios=""
for round in $(seq 1 "$ROUNDS"); do
  for mode in true false; do
    start $mode
    wrk -t2 -c16 -d5s -s bench/adstats/views.lua "http://$ADDR" >/dev/null # warm-up
    line=$(wrk -t2 -c16 -d"$DURATION" --latency -s bench/adstats/views.lua "http://$ADDR" | grep '^RESULT')
    stop
    read -r _ rps _ _ p99 non2xx errors _ <<<"$line"
    if [[ $non2xx != 0 || $errors != 0 ]]; then
      echo "round $round, counting $mode: $non2xx non-2xx, $errors socket errors" >&2
      exit 1
    fi
    echo "round $round, counting $mode: $rps req/s, p99 $p99 ms"
    rates[$mode]+="$rps "
    last[$mode]=$rps
  done
  ratio=$(awk -v a="${last[true]}" -v b="${last[false]}" 'BEGIN {printf "%.3f", a/b}')
  echo "round $round: on/off $ratio"
  ratios+="$ratio "
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
on=$(echo "${rates[true]}" | median)
off=$(echo "${rates[false]}" | median)
echo "median: counting on $on req/s, off $off req/s; median of the rounds' on/off ratios $(echo "$ratios" | median)"
