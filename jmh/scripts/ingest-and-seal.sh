#!/usr/bin/env bash
# End-to-end figure until the full harness lands: serve with -Xmx1g, load N LLM spans of the
# BENCHMARKS.md dataset shape over OTLP/HTTP, wait for the head to be sealed, then print the
# status, bytes per row on disk (with and without span detail), and a few query timings.
# Usage: jmh/scripts/ingest-and-seal.sh [LLM_SPANS=10000000] [WORK_DIR=/tmp/llmscope-bench]
set -euo pipefail
SPANS=${1:-10000000}
WORK=${2:-/tmp/llmscope-bench}
JAR=$(cd "$(dirname "$0")/../.." && pwd)/server/target/llmscope.jar
rm -rf "$WORK" && mkdir -p "$WORK"
java -Xmx1g -Xlog:gc:file="$WORK/gc.log" -jar "$JAR" serve --data-dir "$WORK/data" \
  --otlp-grpc-port 0 --otlp-http-port 34318 --http-port 38080 > "$WORK/server.out" 2> "$WORK/server.err" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
until grep -q "llmscope ready" "$WORK/server.out" 2>/dev/null; do sleep 0.2; done
java -jar "$JAR" loadgen --target http://127.0.0.1:34318 --spans "$SPANS" --batch 512 --concurrency 2 --seed 42 2> "$WORK/loadgen.err"
for _ in $(seq 1 300); do
  STATUS=$(curl -s localhost:38080/api/v1/status)
  [ "$(echo "$STATUS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["headRows"])')" = 0 ] && break
  sleep 1
done
echo "status: $STATUS"
python3 - "$WORK/data/segments" "$STATUS" <<'PY'
import json, os, sys
root, status = sys.argv[1], json.loads(sys.argv[2])
sizes = {}
for seg in os.listdir(root):
    for f in os.listdir(os.path.join(root, seg)):
        sizes[f] = sizes.get(f, 0) + os.path.getsize(os.path.join(root, seg, f))
rows = status["spans"]; total = sum(sizes.values()); detail = sizes.get("detail.bin", 0)
print("bytes/row: %.2f total, %.2f without detail, %.2f detail" % (total / rows, (total - detail) / rows, detail / rows))
PY
for q in \
  '{"from":"now-25h","groupBy":["model"],"step":"1m","metrics":["p50(duration_ms)","p95(duration_ms)","p99(duration_ms)"]}' \
  '{"from":"now-25h","groupBy":["service"],"step":"1h","metrics":["sum(cost_usd)","sum(input_tokens)","sum(output_tokens)"]}' \
  '{"from":"now-25h","filters":[{"field":"service","op":"=","value":"chat-api"},{"field":"model","op":"=","value":"gpt-4o"},{"field":"finish_reason","op":"=","value":"stop"}],"step":"5m","metrics":["p95(duration_ms)","sum(cost_usd)"]}'; do
  for _ in 1 2 3; do
    curl -s localhost:38080/api/v1/query -H 'Content-Type: application/json' -d "$q" \
      | python3 -c 'import json,sys; d=json.load(sys.stdin); print("took", d["stats"]["tookMs"], "ms over", d["stats"]["rowsScanned"], "rows")'
  done
done
python3 - "$WORK/gc.log" <<'PY'
import re, sys
live = [int(m.group(1)) for m in (re.search(r"->(\d+)M", l) for l in open(sys.argv[1])) if m]
print("max live heap after GC: %d MB" % max(live))
PY
