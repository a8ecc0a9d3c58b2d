#!/usr/bin/env bash
# The benchmark of BENCHMARKS.md in one command: LLMScope against DuckDB, ClickHouse and PostgreSQL
# on the same rows, same run, one table out.
#  1. Installs the peers when missing (Debian clickhouse-server and postgresql, with apt) and starts
#     private instances of both under the work dir, on free ports.
#  2. Serves LLMScope (-Xmx1g) and loads N LLM spans of the benchmark dataset into it over OTLP/HTTP
#     with loadgen (--seed 42, 512-span batches, a separate process), then waits until all is sealed.
#  3. Stops the server and copies its stored rows into DuckDB (the reference copy), restarts it.
#  4. PeerQueries run: loads ClickHouse and PostgreSQL from DuckDB's copy, runs Q1-Q8 on every
#     engine (2 warm-up + 5 timed runs), prints the table, and exits 1 when the answers disagree.
# Every step is bounded in time; the work dir is removed on exit unless KEEP=1.
# Builds nothing: run `mvn -B -ntp -DskipTests package` first (README).
# Usage: jmh/scripts/bench.sh [LLM_SPANS=1000000] [WORK_DIR=/tmp/llmscope-bench-peers]
set -euo pipefail
SPANS=${1:-1000000}
WORK=${2:-/tmp/llmscope-bench-peers}
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
# Time bounds (s): loading and exporting grow with the size; the rest is fixed.
LOAD_LIMIT=$((300 + SPANS / 5000))
RUN_LIMIT=${RUN_LIMIT:-5400}
for f in "$JAR" "$BENCH"; do [ -f "$f" ] || { echo "missing $f: run mvn -B -ntp -DskipTests package" >&2; exit 2; }; done

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# --- peers -------------------------------------------------------------------------------------
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ ! -x /usr/sbin/clickhouse-server ] || [ -z "$PG_BIN" ]; then
  log "installing the peers (Debian clickhouse-server, postgresql) ..."
  as_root env DEBIAN_FRONTEND=noninteractive timeout 900 apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q clickhouse-server postgresql >/dev/null
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi

SERVER= CH_PID=
PG_DATA=$WORK/pg/data
pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  set +e
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  [ -n "$CH_PID" ] && kill "$CH_PID" 2>/dev/null && wait "$CH_PID" 2>/dev/null
  [ -f "$PG_DATA/postmaster.pid" ] && pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
rm -rf "$WORK" && mkdir -p "$WORK/ch" "$WORK/pg"

# ClickHouse: a private server, caps like the other engines' (4 GB per query), logs in the work dir.
CH_PORT=$(free_port)
cat > "$WORK/ch/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$WORK/ch/server.log</log><errorlog>$WORK/ch/server.err.log</errorlog><size>100M</size><count>1</count></logger>
  <http_port>$CH_PORT</http_port>
  <tcp_port>$(free_port)</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$WORK/ch/data/</path>
  <tmp_path>$WORK/ch/tmp/</tmp_path>
  <user_files_path>$WORK/ch/user_files/</user_files_path>
  <format_schema_path>$WORK/ch/format_schemas/</format_schema_path>
  <users_config>$WORK/ch/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>1073741824</mark_cache_size>
</yandex>
XML
cat > "$WORK/ch/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
XML
/usr/sbin/clickhouse-server --config-file="$WORK/ch/config.xml" > "$WORK/ch/stdout.log" 2>&1 &
CH_PID=$!

# PostgreSQL: a private cluster (as user postgres when run as root), memory like the others'.
PG_PORT=$(free_port)
[ "$(id -u)" = 0 ] && chown postgres "$WORK/pg"
pg_as "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres >/dev/null
pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/pg/server.log" -w -t 60 start -o \
  "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c work_mem=256MB -c maintenance_work_mem=1GB -c max_wal_size=8GB" >/dev/null \
  || { tail -20 "$WORK/pg/server.log" >&2; die "PostgreSQL did not start"; }
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$CH_PORT/ping" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$CH_PORT/ping" >/dev/null || { tail -20 "$WORK/ch/stdout.log" >&2; die "ClickHouse did not start"; }
log "peers up: ClickHouse :$CH_PORT, PostgreSQL :$PG_PORT"

# --- LLMScope ----------------------------------------------------------------------------------
# Starts the server on free ports and sets OTLP_PORT and HTTP_PORT from its ready line.
start_server() {
  local out=$WORK/server.$1
  java -Xmx1g -jar "$JAR" serve --data-dir "$WORK/data" --otlp-grpc-port 0 --otlp-http-port 0 --http-port 0 \
    > "$out.out" 2> "$out.err" &
  SERVER=$!
  for _ in $(seq 1 600); do
    grep -q "llmscope ready" "$out.out" 2>/dev/null && break
    kill -0 "$SERVER" 2>/dev/null || { tail -20 "$out.err" >&2; die "server exited; see $out.err"; }
    sleep 0.2
  done
  local ready
  ready=$(grep -m1 "llmscope ready" "$out.out") || die "server not ready after 120 s"
  OTLP_PORT=$(sed -E 's/.*otlp-http=([0-9]+).*/\1/' <<< "$ready")
  HTTP_PORT=$(sed -E 's/.*http=([0-9]+)$/\1/' <<< "$ready")
}
# SIGTERM: the server flushes the WAL and exits 0 (API.md), releasing the store for the export.
stop_server() {
  kill -TERM "$SERVER"
  wait "$SERVER" || die "server exited with $? on SIGTERM"
  SERVER=
}
status() { curl -sf "localhost:$HTTP_PORT/api/v1/status"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }

start_server 1
log "loading $SPANS LLM spans into LLMScope (loadgen --seed 42, 512-span batches) ..."
timeout "$LOAD_LIMIT" java -jar "$JAR" loadgen --target "http://127.0.0.1:$OTLP_PORT" --spans "$SPANS" --batch 512 \
  --concurrency 2 --seed 42 2> "$WORK/loadgen.err" | tee "$WORK/loadgen.out" >&2 || die "loadgen failed or passed $LOAD_LIMIT s"
INGEST=$(grep -o 'spans_per_s=[0-9]*' "$WORK/loadgen.out" | cut -d= -f2)
grep -q ' failed=0' "$WORK/loadgen.out" || die "loadgen had failed batches"
# Heads seal at their row cap or after 60 s: wait for the last one (5 min at most).
for _ in $(seq 1 300); do [ "$(status | field headRows)" = 0 ] && break; sleep 1; done
[ "$(status | field headRows)" = 0 ] || die "head not sealed after 5 min"
stop_server

log "copying LLMScope's rows into DuckDB ..."
timeout "$LOAD_LIMIT" java "${JVM_FLAGS[@]}" -Xmx2g -cp "$BENCH" io.llmscope.bench.PeerQueries export \
  --data-dir "$WORK/data" --duckdb "$WORK/peer.duckdb" 2> "$WORK/export.err" >&2 \
  || { tail -20 "$WORK/export.err" >&2; die "export failed or passed $LOAD_LIMIT s"; }

start_server 2
log "server restarted on the same dir; loading the other peers and running the queries ..."
timeout "$RUN_LIMIT" java "${JVM_FLAGS[@]}" -Xmx2g -cp "$BENCH" io.llmscope.bench.PeerQueries run \
  --duckdb "$WORK/peer.duckdb" --url "http://127.0.0.1:$HTTP_PORT" --ingest "$INGEST" \
  --clickhouse "http://127.0.0.1:$CH_PORT" --postgres "jdbc:postgresql://127.0.0.1:$PG_PORT/postgres?user=postgres"
