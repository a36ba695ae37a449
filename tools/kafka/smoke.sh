#!/usr/bin/env bash
# End-to-end check of tools/kafka/kafka.sh against a real broker:
# install (cached), start, topic create, produce/consume, transactions,
# busy-port error, two brokers at once, stop/restart on the same dir, stop.
#
#   tools/kafka/smoke.sh            # uses ports 29092-29095 by default
#   SMOKE_PORT_BASE=39092 tools/kafka/smoke.sh
#
# Prints "N passed, N failed" at the end; exits non-zero on any failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
K="${HERE}/kafka.sh"
BASE="${SMOKE_PORT_BASE:-29092}"
PA=$BASE CA=$((BASE + 1)) PB=$((BASE + 2)) CB=$((BASE + 3))
WORK="$(mktemp -d "${TMPDIR:-/tmp}/keyflow-kafka-smoke.XXXXXX")"
DA="${WORK}/a" DB="${WORK}/b" DC="${WORK}/c"
passed=0 failed=0

ok() { passed=$((passed + 1)); printf 'ok   - %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL - %s\n' "$*"; }
check() { local name="$1"; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
tool() { "$K" tool "$@"; }

cleanup() {
  "$K" stop --dir "$DA" >/dev/null 2>&1 || true
  "$K" stop --dir "$DB" >/dev/null 2>&1 || true
  "$K" stop --dir "$DC" >/dev/null 2>&1 || true
  if ((failed == 0)); then rm -rf "$WORK"; else echo "kept ${WORK} for inspection"; fi
}
trap cleanup EXIT

# -- install, twice; the second run must be a no-op.
"$K" install
t0=$(date +%s%N)
"$K" install
ms=$((($(date +%s%N) - t0) / 1000000))
check "second install is cached (${ms} ms)" test "$ms" -lt 2000

# -- start broker A.
t0=$(date +%s%N)
line="$("$K" start --dir "$DA" --port "$PA" --controller-port "$CA" | tail -n 1 || true)"
ms=$((($(date +%s%N) - t0) / 1000000))
echo "$line"
check "start prints the bootstrap line (${ms} ms)" \
  grep -Eq "^KAFKA_BOOTSTRAP=127\.0\.0\.1:${PA} KAFKA_DIR=${DA} KAFKA_PID=[0-9]+$" <<<"$line"
BA="127.0.0.1:${PA}"
PIDA="$(cat "${DA}/kafka.pid")"
check "status says running" bash -c "'$K' status --dir '$DA' | grep -q '^running'"
# Every listening socket of the broker process is on 127.0.0.1 (java may show it as [::ffff:127.0.0.1]).
listens="$(ss -ltnpH 2>/dev/null | grep "pid=${PIDA}," | awk '{print $4}' | tr '\n' ' ' || true)"
check "broker listens on 127.0.0.1 only (${listens})" \
  bash -c "[[ -n '$listens' ]] && ! tr ' ' '\n' <<<'$listens' | grep -v '^$' | grep -vqE '^(\[::ffff:)?127\.0\.0\.1\]?:'"

# -- topic, produce, consume.
check "create topic" tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BA" \
  --create --topic smoke --partitions 3 --replication-factor 1
check "list topics" bash -c "'$K' tool org.apache.kafka.tools.TopicCommand --bootstrap-server '$BA' --list | grep -qx smoke"
if printf 'k1:v1\nk2:v2\nk3:v3\n' | tool kafka.tools.ConsoleProducer --bootstrap-server "$BA" --topic smoke \
  --property parse.key=true --property key.separator=:; then ok "produce 3 records"; else bad "produce 3 records"; fi
got="$(tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$BA" --topic smoke \
  --group smoke-group --from-beginning --max-messages 3 --timeout-ms 30000 \
  --property print.key=true --property key.separator=: 2>/dev/null | sort | tr '\n' ' ' || true)"
check "consume 3 records (${got})" test "$got" = "k1:v1 k2:v2 k3:v3 "
check "consumer group committed" bash -c "'$K' tool org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
  --bootstrap-server '$BA' --describe --group smoke-group 2>/dev/null | grep -q smoke"

# -- transactions (needs __transaction_state with replication factor 1).
tool org.apache.kafka.tools.ProducerPerformance --topic txsmoke --num-records 10 --record-size 16 \
  --throughput -1 --producer-props bootstrap.servers="$BA" acks=all \
  --transactional-id smoke-tx --transaction-duration-ms 100 2>/dev/null | tail -n 1 || true
txs="$(tool org.apache.kafka.tools.TransactionsCommand --bootstrap-server "$BA" list || true)"
echo "$txs"
check "transaction committed" grep -Eq '^smoke-tx[[:space:]]+1[[:space:]]+[0-9]+[[:space:]]+CompleteCommit' <<<"$txs"
n="$(tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$BA" --topic txsmoke \
  --from-beginning --max-messages 10 --timeout-ms 30000 --isolation-level read_committed 2>/dev/null | wc -l || true)"
check "read_committed consumer sees 10 records (${n})" test "$n" -eq 10

# -- a second start on a busy port fails clearly.
if out="$("$K" start --dir "${WORK}/busy" --port "$PA" --controller-port "$CB" 2>&1)"; then
  bad "start on a busy port must fail"
else
  if grep -q "already in use" <<<"$out"; then ok "busy port: ${out##*error: }"; else bad "busy port message: $out"; fi
fi
if out="$("$K" start --dir "$DA" --port "$PB" --controller-port "$CB" 2>&1)"; then
  bad "second start on a running dir must fail"
else
  if grep -q "already runs" <<<"$out"; then ok "running dir refused"; else bad "running dir message: $out"; fi
fi

# -- broker B at the same time.
line="$("$K" start --dir "$DB" --port "$PB" --controller-port "$CB" | tail -n 1 || true)"
echo "$line"
BB="127.0.0.1:${PB}"
printf 'b1\nb2\n' | tool kafka.tools.ConsoleProducer --bootstrap-server "$BB" --topic onlyb || true
got="$(tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$BB" --topic onlyb \
  --from-beginning --max-messages 2 --timeout-ms 30000 2>/dev/null | tr '\n' ' ' || true)"
check "broker B works alongside A (auto-created topic: ${got})" test "$got" = "b1 b2 "
check "topic onlyb is not on broker A" bash -c "! '$K' tool org.apache.kafka.tools.TopicCommand --bootstrap-server '$BA' --list | grep -qx onlyb"
check "both report running" bash -c "'$K' status --dir '$DA' >/dev/null && '$K' status --dir '$DB' >/dev/null"

# -- stop A, its process is gone; restart A on the same dir keeps the data.
t0=$(date +%s%N)
"$K" stop --dir "$DA"
ms=$((($(date +%s%N) - t0) / 1000000))
check "stop A (${ms} ms): process ${PIDA} gone" bash -c "! kill -0 $PIDA 2>/dev/null"
check "pid file removed" test ! -e "${DA}/kafka.pid"
check "status A says not running (exit 3)" bash -c "'$K' status --dir '$DA' >/dev/null; test \$? -eq 3"
check "stop again is safe" "$K" stop --dir "$DA"
"$K" start --dir "$DA" --port "$PA" --controller-port "$CA" | tail -n 1 || bad "restart A"
got="$(tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$BA" --topic smoke \
  --from-beginning --max-messages 3 --timeout-ms 30000 2>/dev/null | sort | tr '\n' ' ' || true)"
check "restarted A still has its records (${got})" test "$got" = "v1 v2 v3 "
PIDA="$(cat "${DA}/kafka.pid")"
"$K" stop --dir "$DA"
check "stop A again: process gone" bash -c "! kill -0 $PIDA 2>/dev/null"

# -- fresh dir: start / stop / start.
"$K" start --dir "$DC" --port "$PA" --controller-port "$CA" | tail -n 1 || bad "start C"
"$K" stop --dir "$DC"
"$K" start --dir "$DC" --port "$PA" --controller-port "$CA" | tail -n 1 || bad "start C"
check "fresh dir start/stop/start" bash -c "'$K' status --dir '$DC' | grep -q '^running'"
PIDC="$(cat "${DC}/kafka.pid")"
"$K" stop --dir "$DC"
check "fresh dir stopped" bash -c "! kill -0 $PIDC 2>/dev/null"

PIDB="$(cat "${DB}/kafka.pid")"
"$K" stop --dir "$DB"
check "stop B: process gone" bash -c "! kill -0 $PIDB 2>/dev/null"

echo "kafka smoke: ${passed} passed, ${failed} failed"
((failed == 0))
