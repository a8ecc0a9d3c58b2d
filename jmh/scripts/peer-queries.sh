#!/usr/bin/env bash
# BENCHMARKS.md Q1-Q8 on LLMScope and on DuckDB over the same rows, same run (PeerQueries).
# Serve with -Xmx1g, load N LLM spans of the benchmark dataset (loadgen --seed 42), wait until
# everything is sealed, stop the server, export its rows into DuckDB, restart the server on the
# same dir, then time each query on both and print one table. Builds nothing: run
# `mvn -q -DskipTests package` first.
# Usage: jmh/scripts/peer-queries.sh [LLM_SPANS=2000000] [WORK_DIR=/tmp/llmscope-peer]
# The work dir (LLMScope data, DuckDB file, logs) is removed on exit unless KEEP=1.
set -euo pipefail
SPANS=${1:-2000000}
WORK=${2:-/tmp/llmscope-peer}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=$ROOT/server/target/llmscope.jar
BENCH=$ROOT/jmh/target/benchmarks.jar
# benchmarks.jar runs with -cp, so its manifest's Add-Opens do not apply: the root pom's
# jvm.module.flags, which Chronicle (the WAL) and Arrow (segments) need to open the store.
JVM_FLAGS=(--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
  --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED)
for f in "$JAR" "$BENCH"; do [ -f "$f" ] || { echo "missing $f: run mvn -q -DskipTests package" >&2; exit 2; }; done

SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
rm -rf "$WORK" && mkdir -p "$WORK"

# Starts the server on free ports (0 = pick one) and sets OTLP_PORT and HTTP_PORT from its ready line.
start_server() {
  local log=$WORK/server.$1
  java -Xmx1g -jar "$JAR" serve --data-dir "$WORK/data" --otlp-grpc-port 0 --otlp-http-port 0 --http-port 0 \
    > "$log.out" 2> "$log.err" &
  SERVER=$!
  for _ in $(seq 1 600); do
    grep -q "llmscope ready" "$log.out" 2>/dev/null && break
    kill -0 "$SERVER" 2>/dev/null || { echo "server exited; see $log.err" >&2; tail -20 "$log.err" >&2; exit 1; }
    sleep 0.2
  done
  local ready
  ready=$(grep -m1 "llmscope ready" "$log.out") || { echo "server not ready after 120 s" >&2; exit 1; }
  OTLP_PORT=$(sed -E 's/.*otlp-http=([0-9]+).*/\1/' <<< "$ready")
  HTTP_PORT=$(sed -E 's/.*http=([0-9]+)$/\1/' <<< "$ready")
}

# SIGTERM: the server flushes the WAL and exits 0 (API.md), releasing the store for the export.
stop_server() {
  kill -TERM "$SERVER"
  wait "$SERVER" || { echo "server exited with $? on SIGTERM" >&2; exit 1; }
  SERVER=
}

status() { curl -sf "localhost:$HTTP_PORT/api/v1/status"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }

start_server 1
echo "loading $SPANS LLM spans (loadgen --seed 42) ..." >&2
java -jar "$JAR" loadgen --target "http://127.0.0.1:$OTLP_PORT" --spans "$SPANS" --batch 512 --concurrency 2 --seed 42 \
  2> "$WORK/loadgen.err" | tee "$WORK/loadgen.out" >&2
# Heads seal at 256k rows or 60 s of age: wait for the last one (5 min at most).
for _ in $(seq 1 300); do
  [ "$(status | field headRows)" = 0 ] && break
  sleep 1
done
STATUS=$(status)
echo "status before export: $STATUS" >&2
[ "$(field headRows <<< "$STATUS")" = 0 ] || { echo "head not sealed after 5 min" >&2; exit 1; }
stop_server

java "${JVM_FLAGS[@]}" -Xmx2g -cp "$BENCH" io.llmscope.bench.PeerQueries export \
  --data-dir "$WORK/data" --duckdb "$WORK/peer.duckdb" 2> "$WORK/export.err" \
  || { tail -20 "$WORK/export.err" >&2; exit 1; }

start_server 2
echo "server restarted on the same dir; running the queries ..." >&2
java "${JVM_FLAGS[@]}" -Xmx2g -cp "$BENCH" io.llmscope.bench.PeerQueries run \
  --duckdb "$WORK/peer.duckdb" --url "http://127.0.0.1:$HTTP_PORT"
