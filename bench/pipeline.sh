#!/usr/bin/env bash
# Publication pipeline on the embedded defaults, for pool sizes 1, 2, 4, 8.
# Each line is one process: a lone ad's latency (ads published one at a
# time), then a burst of ads submitted at once, and the process's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o /tmp/motando-bench-pipeline ./bench/pipeline
echo "| pool | burst ads/s | lone p50 | lone p99 | burst p50 | burst p99 | peak RSS MiB |"
echo "|---|---|---|---|---|---|---|"
for w in 1 2 4 8; do
  /tmp/motando-bench-pipeline -workers "$w" "$@"
done
