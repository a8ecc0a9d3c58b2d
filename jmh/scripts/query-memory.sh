#!/usr/bin/env bash
# Heap and time of one wide query: serve with a given -Xmx, load N LLM spans with loadgen, wait
# until the head is sealed, then run `groupBy span_id` with five percentiles, orderBy and limit 10
# three times and print each answer's status, rows and tookMs, the largest heap after GC while
# the queries ran (from the GC log), and whether the server still answers /readyz and a count.
# Usage: jmh/scripts/query-memory.sh [LLM_SPANS=1000000] [XMX=1g] [JAR=server/target/llmscope.jar] [WORK_DIR=/tmp/llmscope-qmem]
#        [QUERY_MEMORY_BYTES: sets query.maxQueryMemoryBytes; default: the server's]
set -euo pipefail
SPANS=${1:-1000000}
XMX=${2:-1g}
JAR=${3:-$(cd "$(dirname "$0")/../.." && pwd)/server/target/llmscope.jar}
WORK=${4:-/tmp/llmscope-qmem}
rm -rf "$WORK" && mkdir -p "$WORK"
printf 'retention: 36500d\nstorage:\n  sealAge: 2s\n' > "$WORK/config.yaml"
[ -n "${5:-}" ] && printf 'query:\n  maxQueryMemoryBytes: %s\n' "$5" >> "$WORK/config.yaml"
java "-Xmx$XMX" -Xlog:gc:file="$WORK/gc.log" -jar "$JAR" serve --data-dir "$WORK/data" --config "$WORK/config.yaml" \
  --otlp-grpc-port 0 --otlp-http-port 34319 --http-port 38081 > "$WORK/server.out" 2> "$WORK/server.err" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
until grep -q "llmscope ready" "$WORK/server.out" 2>/dev/null; do sleep 0.2; done
java -jar "$JAR" loadgen --target http://127.0.0.1:34319 --spans "$SPANS" --seed 42 \
  --start 2026-03-01T00:00:00Z --end 2026-03-02T00:00:00Z 2> "$WORK/loadgen.err" | tail -1
for _ in $(seq 1 300); do
  STATUS=$(curl -s localhost:38081/api/v1/status)
  [ "$(echo "$STATUS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["headRows"])')" = 0 ] && break
  sleep 1
done
echo "status: $STATUS"
GC_FROM=$(wc -l < "$WORK/gc.log")
Q='{"from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z","groupBy":["span_id"],
    "metrics":["p50(duration_ms)","p90(duration_ms)","p95(duration_ms)","p99(duration_ms)","p99(output_tokens)"],
    "orderBy":[{"column":"p99(duration_ms)","desc":true}],"limit":10}'
for _ in 1 2 3; do
  curl -s -o "$WORK/answer.json" -w '%{http_code} ' localhost:38081/api/v1/query -H 'Content-Type: application/json' -d "$Q"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print("rows", len(d["rows"]), "tookMs", d["stats"]["tookMs"], "totalRows", d["stats"]["totalRows"]) if "rows" in d else print(d)' "$WORK/answer.json"
done
python3 - "$WORK/gc.log" "$GC_FROM" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()[int(sys.argv[2]):]
after = [int(m.group(1)) for m in (re.search(r"->(\d+)M", l) for l in lines) if m]
before = [int(m.group(1)) for m in (re.search(r"(\d+)M->", l) for l in lines) if m]
print("during the queries: %d GCs, max heap before GC %d MB, max heap after GC %d MB" % (len(after), max(before or [0]), max(after or [0])))
PY
echo "readyz: $(curl -s -o /dev/null -w '%{http_code}' localhost:38081/readyz)"
curl -s localhost:38081/api/v1/query -H 'Content-Type: application/json' \
  -d '{"from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z","metrics":["count"]}'; echo
grep -c OutOfMemoryError "$WORK/server.err" | sed 's/^/OutOfMemoryError lines in server log: /' || true
