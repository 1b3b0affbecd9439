#!/usr/bin/env bash
# Search benchmark: what visitors cause, against one server, in one run.
#
# Builds the site (go build -o /tmp/motando-bench .), fills the database up to
# BENCH_ADS listed ads if it has fewer (motando seed --bulk), starts the server
# on 127.0.0.1:8090 (role all, log in $BENCH_WORK/server.log), times the
# search index's load (start until /readyz answers 200), reads the server's
# RSS, warms up, then measures with wrk -t2 -c16 --latency, DURATION each:
#
#   1. new searches, every request a search not made before in the run, three
#      kinds drawn at random (bench/search/new.lua): brand × state × price
#      range × year range × order × page 1–100; a free-text word with a price
#      cap; a broad price range with an order and a page. Once as htmx sends
#      them (HX-Request: true, the results partial), once as full pages.
#   2. one search repeated, /motos?marca=<Honda>&estado=SP, partial.
#   3. free text alone, new words and prefixes of 2–6 letters as typed, from
#      brand and model names and sales words (bench/search/text.lua), partial.
#   4. the home page /, and ad pages drawn at random from every ad the
#      sitemap lists (all its pages) (bench/search/ads.lua).
#
# New searches are new because a price in each ends with two digits of the
# wrk thread's id and of the wrk run, and each thread draws again any search
# it already sent (bench/search/common.lua): no two requests of the whole run
# are the same search, and no parameter the server ignores is added.
#
# Each figure: requests/s, p50, p90, p99 and the non-2xx answers; any non-2xx
# answer or socket error fails the run (exit status 1, after the table). Also
# printed: the cores the server, MariaDB, wrk and the rest of the machine used
# during each figure (the machine may be shared). At the end, a Markdown table
# to paste into BENCHMARKS.md with the command, the ratio new/repeated
# searches, the index's load time, the RSS after loading and at the end, and
# the errors and warnings of the server log. The server is stopped at the end.
# Run from anywhere:
#
#   bash bench/search.sh                                  # MariaDB, 100,000 ads, 20s each
#   DURATION=10s bash bench/search.sh
#   BENCH_DB=sqlite bash bench/search.sh                  # SQLite in $MOTANDO_DATA_DIR
#   BENCH_ADS=1000000 bash bench/search.sh                # raises MariaDB's buffer pool to 4 GiB
#
# Environment:
#   BENCH_DB      mariadb (default) or sqlite
#   BENCH_ADS     listed ads wanted (default 100000); fewer are topped up, more are kept
#   DURATION      wrk duration of each figure (default 20s); WARMUP of the warm-up (default 5s)
#   MYSQL_HOST    MariaDB host (default 127.0.0.1), MYSQL_USER (root), MYSQL_PASSWD (empty),
#   MYSQL_DBNAME  database (default motando_bench)
#   MOTANDO_DATA_DIR  data folder: photos, and the SQLite database with BENCH_DB=sqlite
#                 (default /tmp/motando-bench-data, /tmp/motando-bench-sqlite for SQLite)
#   BENCH_WORK    where the lists, the wrk outputs and the server log go
#                 (default /tmp/motando-bench-search)
# Needs wrk, curl, perl, and the mysql or sqlite3 client.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
BENCH_ADS=${BENCH_ADS:-100000}
BENCH_DB=${BENCH_DB:-mariadb}
BENCH_WORK=${BENCH_WORK:-/tmp/motando-bench-search}
ADDR=127.0.0.1:8090
BASE=http://$ADDR
BIN=/tmp/motando-bench
LOG=$BENCH_WORK/server.log
WRK=(wrk -t2 -c16 --latency)
COMMAND="BENCH_DB=$BENCH_DB BENCH_ADS=$BENCH_ADS DURATION=$DURATION bash bench/search.sh"

mkdir -p "$BENCH_WORK"
rm -f "$BENCH_WORK"/*.txt "$BENCH_WORK"/*.out "$LOG"
export SEARCH_LISTS=$BENCH_WORK # read by the wrk scripts

# --- the database ---------------------------------------------------------
case $BENCH_DB in
mariadb | mysql)
  export MYSQL_HOST=${MYSQL_HOST:-127.0.0.1} MYSQL_DBNAME=${MYSQL_DBNAME:-motando_bench}
  export MOTANDO_DATA_DIR=${MOTANDO_DATA_DIR:-/tmp/motando-bench-data}
  db_label="MariaDB ($MYSQL_HOST, $MYSQL_DBNAME)"
  mysql_cli() {
    local host=${MYSQL_HOST%%:*} port=3306
    [[ $MYSQL_HOST == *:* ]] && port=${MYSQL_HOST##*:}
    mysql -h"$host" -P"$port" -u"${MYSQL_USER:-root}" ${MYSQL_PASSWD:+-p"$MYSQL_PASSWD"} -N -B "$@"
  }
  sql() { mysql_cli -e "$1" "$MYSQL_DBNAME"; }
  have_db() { [ -n "$(mysql_cli -e "SHOW DATABASES LIKE '$MYSQL_DBNAME'")" ]; }
  ;;
sqlite)
  unset MYSQL_HOST
  export MOTANDO_DATA_DIR=${MOTANDO_DATA_DIR:-/tmp/motando-bench-sqlite}
  db_label="SQLite ($MOTANDO_DATA_DIR/motando.db)"
  sql() { sqlite3 -batch -noheader -separator $'\t' "$MOTANDO_DATA_DIR/motando.db" "$1"; }
  have_db() { [ -s "$MOTANDO_DATA_DIR/motando.db" ]; }
  ;;
*)
  echo "BENCH_DB must be mariadb or sqlite, not $BENCH_DB" >&2
  exit 2
  ;;
esac
since() { awk -v t0="$1" -v t1="$(date +%s.%N)" 'BEGIN { printf "%.1f", t1 - t0 }'; }
listed() {
  if have_db; then sql "SELECT COUNT(*) FROM classifiedad WHERE listed = 1" 2>/dev/null || echo 0; else echo 0; fi
}

if curl -s -o /dev/null "$BASE/healthz"; then
  echo "Something already answers on $ADDR; stop it first." >&2
  exit 1
fi

echo "== build: go build -o $BIN ."
go build -o "$BIN" .

if [ "$BENCH_DB" != sqlite ] && [ "$BENCH_ADS" -gt 200000 ]; then
  echo "== MariaDB: SET GLOBAL innodb_buffer_pool_size = 4*1024*1024*1024 (BENCH_ADS > 200000)"
  mysql_cli -e "SET GLOBAL innodb_buffer_pool_size = 4*1024*1024*1024"
  sleep 2 # the resize is done in the background, chunk by chunk
  echo "   innodb_buffer_pool_size is now $(mysql_cli -e 'SELECT @@innodb_buffer_pool_size DIV 1048576') MiB"
fi

have=$(listed)
if [ "$have" -lt "$BENCH_ADS" ]; then
  echo "== seed: $db_label has $have listed ads; adding $((BENCH_ADS - have)) with motando seed --bulk"
  t0=$(date +%s.%N)
  "$BIN" seed --bulk $((BENCH_ADS - have))
  echo "   seeded in $(since "$t0") s"
  have=$(listed)
fi
echo "== database: $db_label, $have listed ads"

# --- the lists the wrk scripts read -----------------------------------------
sql "SELECT id FROM motorcycle_brands ORDER BY id" >"$BENCH_WORK/brands.txt"
sql "SELECT acronym FROM states ORDER BY id" >"$BENCH_WORK/states.txt"
# The words of the brand and model names, folded as the index folds them
# (no accents, lower case, split at anything but letters and digits), those
# with a letter and at least 2 characters.
fold_words() { perl -CS -MUnicode::Normalize -ne '$_ = lc NFD($_); s/\pM//g; print join(" ", grep { length } split /[^\pL\pN]+/), "\n"'; }
sql "SELECT brand FROM motorcycle_brands UNION ALL SELECT model FROM motorcycle_brand_models" | fold_words |
  tr ' ' '\n' | grep -E '^.{2,}$' | grep '[[:alpha:]]' | sort -u >"$BENCH_WORK/words.txt"
# "brand model" names, folded, for text typed as a name ("honda cg 1").
sql "SELECT b.brand, m.model FROM motorcycle_brand_models m JOIN motorcycle_brands b ON b.id = m.brand_id" |
  fold_words >"$BENCH_WORK/names.txt"
honda=$(sql "SELECT id FROM motorcycle_brands WHERE brand = 'Honda'")
REPEATED="/motos?marca=${honda:-$(head -1 "$BENCH_WORK/brands.txt")}&estado=SP"

# --- the server -------------------------------------------------------------
pid=
stop_server() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.3; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  pid=
}
trap stop_server EXIT
trap 'exit 130' INT TERM

rss() { # "VmRSS MiB / VmHWM MiB" of the server
  awk '/^VmRSS|^VmHWM/ { m[$1] = $2 / 1024 } END { printf "RSS %.0f MiB, peak (VmHWM) %.0f MiB", m["VmRSS:"], m["VmHWM:"] }' "/proc/$pid/status"
}

echo "== start: MOTANDO_ADDR=$ADDR $BIN (log: $LOG)"
t0=$(date +%s.%N)
MOTANDO_ADDR=$ADDR "$BIN" >"$LOG" 2>&1 &
pid=$!
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz")" = 200 ]; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "The server stopped before it was ready; the end of its log:" >&2
    tail -20 "$LOG" >&2
    exit 1
  fi
  sleep 0.1
done
load_time=$(since "$t0")
rss_loaded=$(rss)
echo "   ready after $load_time s (start to /readyz 200); $rss_loaded"
grep -o 'msg="search index loaded".*' "$LOG" | sed 's/^/   log: /' || true

# Every ad the sitemap lists: one file up to 50,000 ads, else an index of
# /sitemap.xml?pagina=N files, all of which are read.
curl -sf "$BASE/sitemap.xml" >"$BENCH_WORK/sitemap.xml"
pages=$(grep -o 'sitemap.xml?pagina=[0-9]*' "$BENCH_WORK/sitemap.xml" | cut -d= -f2 || true)
if [ -z "$pages" ]; then
  grep -o '/anuncio/[^<]*' "$BENCH_WORK/sitemap.xml" >"$BENCH_WORK/ads.txt"
else
  for p in $pages; do curl -sf "$BASE/sitemap.xml?pagina=$p" | grep -o '/anuncio/[^<]*'; done >"$BENCH_WORK/ads.txt"
fi
echo "   lists: $(wc -l <"$BENCH_WORK/ads.txt") ad pages from $(echo "${pages:-1}" | wc -w) sitemap file(s), $(wc -l <"$BENCH_WORK/brands.txt") brands, $(wc -l <"$BENCH_WORK/states.txt") states, $(wc -l <"$BENCH_WORK/words.txt") catalog words, $(wc -l <"$BENCH_WORK/names.txt") model names"

# --- the figures ------------------------------------------------------------
# CPU seconds, to tell how much of the machine the server, the database,
# wrk and other processes used during each figure: the whole machine's busy
# time (/proc/stat), the server's and a local MariaDB's (/proc/PID/stat), and
# wrk's (the finished children of this shell, from the times builtin; the
# server is not reaped before the end, so it is not among them).
tick=$(getconf CLK_TCK)
db_pid=
if [ "$BENCH_DB" != sqlite ]; then db_pid=$(pgrep -xo mariadbd || pgrep -xo mysqld || true); fi
proc_cpu() { # CPU seconds of process $1, 0 if it is not readable
  awk -v t="$tick" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat" 2>/dev/null || echo 0
}
cpu_sample() { # sets cpu_wall, cpu_machine, cpu_server, cpu_db, cpu_wrk
  cpu_wall=$(date +%s.%N)
  cpu_machine=$(awk -v t="$tick" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / t }' /proc/stat)
  cpu_server=$(proc_cpu "$pid")
  cpu_db=0
  if [ -n "$db_pid" ]; then cpu_db=$(proc_cpu "$db_pid"); fi
  times >"$BENCH_WORK/times" # in this shell, not a subshell
  cpu_wrk=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, k, /[ms]/); printf "%.3f", u[1] * 60 + u[2] + k[1] * 60 + k[2] }' "$BENCH_WORK/times")
}

# measure LABEL DURATION [ENV=VALUE ...] -- WRK ARGS: runs wrk, keeps its
# output in $BENCH_WORK and the figures in the arrays below.
labels=() rps=() p50=() p90=() p99=() non2xx=() others=() failures=0 runs=0
measure() {
  local label=$1 duration=$2 envs=()
  shift 2
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  runs=$((runs + 1))
  local out=$BENCH_WORK/wrk-$runs.out
  cpu_sample
  local w0=$cpu_wall m0=$cpu_machine s0=$cpu_server d0=$cpu_db k0=$cpu_wrk
  env "${envs[@]}" "${WRK[@]}" -d"$duration" "$@" >"$out" 2>&1 || true
  cpu_sample
  local r cpu
  if ! r=$(grep '^RESULT ' "$out"); then
    echo "wrk failed for $label; its output:" >&2
    cat "$out" >&2
    exit 1
  fi
  read -r _ a b c d e sock n redraws <<<"$r"
  # cores used on average: server, database, wrk, everything else
  cpu=$(awk -v w0="$w0" -v w1="$cpu_wall" -v m0="$m0" -v m1="$cpu_machine" -v s0="$s0" -v s1="$cpu_server" \
    -v d0="$d0" -v d1="$cpu_db" -v k0="$k0" -v k1="$cpu_wrk" 'BEGIN {
      wall = w1 - w0; srv = (s1 - s0) / wall; db = (d1 - d0) / wall; wrk = (k1 - k0) / wall
      printf "%.2f %.2f %.2f %.2f", srv, db, wrk, (m1 - m0) / wall - srv - db - wrk }')
  read -r cs cd cw co <<<"$cpu"
  printf '   %-52s %7.0f req/s  p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  non-2xx %s  socket errors %s\n' \
    "$label" "$a" "$b" "$c" "$d" "$e" "$sock"
  local db_cores=
  if [ -n "$db_pid" ]; then db_cores=", MariaDB (all its clients) $cd"; fi
  printf '   %-52s %s requests (%s drawn again); cores used: server %s%s, wrk %s, other processes %s\n' "" "$n" "$redraws" "$cs" "$db_cores" "$cw" "$co"
  if [ "$e" != 0 ] || [ "$sock" != 0 ]; then
    failures=$((failures + 1))
    echo "   FAILURE: $e non-2xx answers, $sock socket errors ($out)"
  fi
  labels+=("$label") rps+=("$a") p50+=("$b") p90+=("$c") p99+=("$d") non2xx+=("$e") others+=("$co")
}

echo "== warm-up, $WARMUP each (not in the table)"
measure "warm-up: new searches, partial" "$WARMUP" RUN=0 PARTIAL=1 -- -s bench/search/new.lua "$BASE"
measure "warm-up: ad pages" "$WARMUP" -- -s bench/search/ads.lua "$BASE"
labels=() rps=() p50=() p90=() p99=() non2xx=() others=()

echo "== figures, $DURATION each: ${WRK[*]} -d$DURATION"
measure "new searches, results partial (HX-Request)" "$DURATION" RUN=1 PARTIAL=1 -- -s bench/search/new.lua "$BASE"
measure "new searches, full /motos page" "$DURATION" RUN=2 -- -s bench/search/new.lua "$BASE"
measure "same search repeated, partial (\`$REPEATED\`)" "$DURATION" -- -s bench/search/fixed.lua -H "HX-Request: true" "$BASE$REPEATED"
measure "free text, new words and prefixes, partial" "$DURATION" RUN=3 PARTIAL=1 -- -s bench/search/text.lua "$BASE"
measure "home \`/\`" "$DURATION" -- -s bench/search/fixed.lua "$BASE/"
measure "ad page \`/anuncio/{id}/{slug}\`, random ads" "$DURATION" -- -s bench/search/ads.lua "$BASE"

rss_end=$(rss)
stop_server

# --- the report -----------------------------------------------------------
thousands() { printf '%.0f' "$1" | sed -E ':a; s/([0-9])([0-9]{3})($|,)/\1,\2\3/; ta'; }
echo
echo "## Search at $(thousands "$have") ads, $db_label"
echo
echo '```sh'
echo "$COMMAND"
echo '```'
echo
echo "$(nproc) cores, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' with local changes'); wrk ${WRK[*]:1} -d$DURATION, on the same machine as the server."
echo
echo "| what | requests/s | p50 | p90 | p99 | non-2xx |"
echo "|---|---|---|---|---|---|"
for i in "${!labels[@]}"; do
  printf '| %s | %s | %.2f ms | %.2f ms | %.2f ms | %s |\n' "${labels[$i]}" "$(thousands "${rps[$i]}")" "${p50[$i]}" "${p90[$i]}" "${p99[$i]}" "${non2xx[$i]}"
done
echo
echo "- new / repeated (partials): $(awk -v a="${rps[0]}" -v b="${rps[2]}" 'BEGIN { printf "%.2f", a / b }') (new searches $(thousands "${rps[0]}") req/s, the same search $(thousands "${rps[2]}") req/s)"
echo "- index load: ready $load_time s after start ($(grep -o 'msg="search index loaded".*' "$LOG" | sed 's/msg="search index loaded" //' || echo 'no load line in the log'))"
echo "- other processes on the machine (not the server, the database or wrk) used $(printf '%s\n' "${others[@]}" | awk '{ t += $1 } END { printf "%.2f", t / NR }') of $(nproc) cores on average during the figures (per figure: ${others[*]})"
echo "- server memory after loading: $rss_loaded; at the end: $rss_end"

# The wait for /readyz logs a "not ready" warning per poll while the index
# loads: counted apart. (Text logs, or JSON ones with APP_ENV=PRD.)
errors=$(grep -Ec 'level=ERROR|"level":"ERROR"' "$LOG" || true)
polls=$(grep -Ec '(level=WARN|"level":"WARN").*not ready' "$LOG" || true)
echo "- server log ($LOG): $errors errors, $(grep -E 'level=WARN|"level":"WARN"' "$LOG" | grep -vc 'not ready' || true) warnings" \
  "(and $polls \"not ready\" while the index loaded)"
grep -E 'level=(ERROR|WARN)|"level":"(ERROR|WARN)"' "$LOG" | grep -v 'not ready' | sed -E 's/^time=[^ ]+ //' | cut -c1-300 |
  sort | uniq -c | sort -rn | head -5 | sed 's/^/    /' || true

if [ "$failures" -gt 0 ]; then
  echo
  echo "FAILED: $failures wrk run(s) had non-2xx answers or socket errors (outputs in $BENCH_WORK)."
  exit 1
fi
