"""The differential functions with the official StateFun Python SDK (apache-flink-statefun 3.3.0),
branch for branch the same logic as ../keyflow-functions.ts and ../official-functions.ts; the
shared names and constants are in ../vocabulary.ts. Differences in the APIs that are not
differences on the wire:
- JavaScript strings count UTF-16 code units, Python strings code points: lengths are UTF-16's;
- JavaScript's `| 0` and Math.fround: int32 and float32 rounding by hand;
- the JSON type writes as JSON.stringify does (no spaces, non-ASCII as it is);
- cancel_delayed_message accepts an empty token (and sends a cancellation without one), which
  Keyflow and the official JS and Java SDKs refuse: cancel() raises as they do;
- kinesis_egress_message accepts an empty partition key, which Kinesis refuses and
  Keyflow and the official JS SDK refuse: kinesis() raises as they do;
- send_after truncates timedelta.total_seconds() * 1000, which for most delays is 1 ms short
  (1001 ms becomes 1000): the delays get 1 microsecond more, which the truncation drops.

Serves a loop on stdin/stdout for ../python-differential.spec.ts: each request is a 4-byte
big-endian length and the ToFunction bytes; each reply a status byte (1: answered, 0: the handler
raised) and a 4-byte big-endian length and the FromFunction bytes (or the error's text).
"""
import asyncio
import json
import math
import struct
import sys
from datetime import timedelta

from statefun import (BoolType, FloatType, IntType, RequestReplyHandler, StatefulFunctions, StringType, ValueSpec,
                      kafka_egress_message, kinesis_egress_message, message_builder, simple_type)

ACCOUNT = "kf.diff/account"
ECHO = "kf.diff/echo"
KAFKA_EGRESS = "kf.diff/kafka"
KINESIS_EGRESS = "kf.diff/kinesis"
MAX_DELAY_MS = 86_400_000


def json_type(typename):
    return simple_type(typename=typename,
                       serialize_fn=lambda value: json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"),
                       deserialize_fn=lambda data: json.loads(data.decode("utf-8")))


PROFILE = json_type("kf.diff/Profile")
COMMAND = json_type("kf.diff/Command")


def int32(n):
    return ((n + 2 ** 31) % 2 ** 32) - 2 ** 31


def fround(x):
    if math.isnan(x) or math.isinf(x):
        return x
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def js_length(s):
    return len(s.encode("utf-16-le")) // 2


def after(ms):
    return timedelta(microseconds=ms * 1000 + 1)


def cancel(ctx, token):
    if not token:
        raise ValueError("the cancellation token is missing or empty")
    ctx.cancel_delayed_message(token)


def kinesis(partition_key, **options):
    if not partition_key:
        raise ValueError("the partition key is missing or empty")
    return kinesis_egress_message(partition_key=partition_key, **options)


def to(typename, target_id, value, value_type):
    return message_builder(target_typename=typename, target_id=target_id, value=value, value_type=value_type)


functions = StatefulFunctions()


@functions.bind(typename=ACCOUNT, specs=[
    ValueSpec(name="count", type=IntType, expire_after_call=timedelta(milliseconds=60_000)),
    ValueSpec(name="label", type=StringType, expire_after_write=timedelta(milliseconds=3_600_000)),
    ValueSpec(name="flag", type=BoolType),
    ValueSpec(name="ratio", type=FloatType),
    ValueSpec(name="profile", type=PROFILE),
])
def account(ctx, msg):
    caller = ctx.caller
    if msg.is_int():
        on_int(ctx, msg.as_int() or 0, caller)
    elif msg.is_string():
        on_string(ctx, msg.as_string() or "", caller)
    elif msg.is_bool():
        on_bool(ctx, msg.as_bool() or False)
    elif msg.is_float():
        on_float(ctx, msg.as_float() or 0.0)
    elif msg.is_type(COMMAND):
        on_command(ctx, msg.as_type(COMMAND), caller)
    else:
        on_unknown(ctx, msg.value_typename(), caller)


def set_or_delete(storage, name, value):
    if value is None:
        delattr(storage, name)
    else:
        setattr(storage, name, value)


def on_int(ctx, n, caller):
    storage = ctx.storage
    count = int32((storage.count or 0) + n)
    storage.count = count
    if n < 0:
        del storage.label
    if n % 3 == 0:
        ctx.send(to(ECHO, ctx.address.id, count, IntType))
    if caller is not None and caller.typename == ECHO:
        storage.flag = count > 0
    elif caller is not None and n % 2 == 0:
        ctx.send(to(caller.typename, caller.id, f"count={count}", StringType))


def on_string(ctx, s, caller):
    storage = ctx.storage
    label = storage.label
    me = ctx.address.id
    if s.startswith("k"):
        key = s if js_length(s) % 2 == 1 else None
        ctx.send_egress(kafka_egress_message(typename=KAFKA_EGRESS, topic="flagged" if storage.flag else "plain",
                                             key=key, value=f"{'-' if label is None else label}|{s}"))
    elif s.startswith("n"):
        length = js_length(s)
        ctx.send_egress(kinesis(me, typename=KINESIS_EGRESS, stream="events",
                                               explicit_hash_key=str(length) if length > 3 else None,
                                               value={"visits": length, "tags": [s]}, value_type=PROFILE))
    elif s == "":
        cancel(ctx, f"reminder:{me}")
    else:
        storage.label = s
        if label is not None:
            target = caller if caller is not None else ctx.address
            ctx.send(to(target.typename, target.id, f"{label}->{s}", StringType))
        else:
            ctx.send_after(after(js_length(s) * 100), to(ACCOUNT, me, s, StringType), cancellation_token=f"reminder:{me}")


def on_bool(ctx, b):
    storage = ctx.storage
    previous = storage.flag or False
    set_or_delete(storage, "flag", None if b == previous else b)
    me = ctx.address.id
    if b:
        delay = 1000 * ((storage.count or 0) & 0xFF)
        ctx.send_after(after(delay), to(ACCOUNT, me, 1, IntType), cancellation_token=f"flag:{me}")
    else:
        cancel(ctx, f"flag:{me}")


def on_float(ctx, f):
    storage = ctx.storage
    ratio = fround((storage.ratio or 0.0) + f) + 0.0
    set_or_delete(storage, "ratio", None if math.isnan(ratio) else ratio)
    me = ctx.address.id
    if ratio > 100:
        ctx.send(to(ECHO, me, ratio, FloatType))
    delay = int(math.floor(abs(f))) % MAX_DELAY_MS if math.isfinite(f) else 0
    token = f"tick:{me}" if storage.flag else ""
    ctx.send_after(after(delay), to(ECHO, me, f"tick {delay}", StringType), cancellation_token=token)


def on_command(ctx, cmd, caller):
    storage = ctx.storage
    me = ctx.address.id
    op = cmd.get("op")
    if op == "visit":
        profile = storage.profile
        tags = (profile["tags"] if profile else [])[-3:] + [cmd["tag"]]
        storage.profile = {"visits": (profile["visits"] if profile else 0) + 1, "tags": tags}
    elif op == "reset":
        del storage.count
        del storage.label
        del storage.ratio
    elif op == "fanout":
        for target_id in cmd["ids"]:
            ctx.send(to(ACCOUNT, target_id, {"op": "visit", "tag": me}, COMMAND))
    elif op == "delay":
        ctx.send_after(after(cmd["ms"]), to(ECHO, me, cmd, COMMAND), cancellation_token=cmd.get("token") or "")
    elif op == "cancel":
        cancel(ctx, cmd["token"])
    elif op == "egress":
        ctx.send_egress(kafka_egress_message(typename=KAFKA_EGRESS, topic=cmd["topic"], key=cmd.get("key"),
                                             value=storage.profile or {"visits": 0, "tags": []}, value_type=PROFILE))
        label = storage.label
        ctx.send_egress(kinesis(caller.id if caller is not None else me, typename=KINESIS_EGRESS, stream=cmd["topic"],
                                value="none" if label is None else label))
    elif caller is not None:
        ctx.send(to(caller.typename, caller.id, cmd, COMMAND))


def on_unknown(ctx, typename, caller):
    storage = ctx.storage
    storage.flag = not (storage.flag or False)
    if caller is not None:
        ctx.send(to(caller.typename, caller.id, f"unknown:{typename}", StringType))


@functions.bind(typename=ECHO, specs=[
    ValueSpec(name="seen", type=IntType, expire_after_write=timedelta(milliseconds=10_000)),
])
def echo(ctx, msg):
    storage = ctx.storage
    seen = int32((storage.seen or 0) + 1)
    storage.seen = seen
    caller = ctx.caller
    if caller is not None:
        ctx.send(to(caller.typename, caller.id, f"echo {seen} {msg.value_typename()}", StringType))
    else:
        ctx.send_egress(kafka_egress_message(typename=KAFKA_EGRESS, topic="echo", key=ctx.address.id,
                                             value=msg.value_typename()))


async def serve():
    handler = RequestReplyHandler(functions)
    read, write = sys.stdin.buffer, sys.stdout.buffer
    while True:
        header = read.read(4)
        if len(header) < 4:
            return
        request = read.read(struct.unpack(">I", header)[0])
        try:
            status, body = 1, await handler.handle_async(request)
        except Exception as error:  # the comparison wants every failure, whatever its kind
            status, body = 0, f"{type(error).__name__}: {error}".encode("utf-8")
        write.write(struct.pack(">BI", status, len(body)) + body)
        write.flush()


asyncio.run(serve())
