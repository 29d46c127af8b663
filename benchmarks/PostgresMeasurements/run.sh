#!/usr/bin/env bash
# Starts a durable throwaway PostgreSQL 15 + pgvector cluster (eng/postgres/cluster.sh), runs the measurements against it
# and deletes it. Arguments go to the program (e.g. --n 100000 --d 512). Results: stdout and benchmarks/PostgresMeasurements/results/.
set -euo pipefail
cd "$(dirname "$0")/../.."
line="$(bash eng/postgres/cluster.sh start --durable --owner-pid $$ --set shared_buffers=1GB --set maintenance_work_mem=1GB)"
dir="${line#dir=}"; dir="${dir%% *}"
trap 'bash eng/postgres/cluster.sh stop "$dir"' EXIT
export VIS_PG_CONNECTION="${line#*connection=};Command Timeout=0"
mkdir -p benchmarks/PostgresMeasurements/results
dotnet run -c Release --project benchmarks/PostgresMeasurements -- "$@" \
  | tee "benchmarks/PostgresMeasurements/results/$(date -u +%Y%m%dT%H%M%SZ).md"
