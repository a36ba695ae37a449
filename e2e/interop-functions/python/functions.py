"""The interop workload (see ../README.md) with the official StateFun Python SDK, served by aiohttp.

Usage: python functions.py <namespace> <port>
"""
import asyncio
import sys
from datetime import timedelta

from aiohttp import web
from statefun import (IntType, RequestReplyHandler, StatefulFunctions, StringType, ValueSpec,
                      egress_message_builder, kafka_egress_message, make_json_type, message_builder)

NAMESPACE = sys.argv[1]
PORT = int(sys.argv[2])
ORDER = make_json_type("interop/Order")
OUT = f"{NAMESPACE}/out"

functions = StatefulFunctions()


@functions.bind(typename=f"{NAMESPACE}/customer",
                specs=[ValueSpec(name="total", type=IntType),
                       ValueSpec(name="orders", type=IntType),
                       ValueSpec(name="last", type=ORDER)])
async def customer(ctx, message):
    text = message.as_string()
    me = ctx.address.id
    if text == "noop":
        return
    if text == "ask":
        answer = f"total:{me}:{ctx.storage.total or 0}:{ctx.storage.orders or 0}"
        ctx.send(message_builder(target_typename=ctx.caller.typename, target_id=ctx.caller.id, str_value=answer))
        return
    if text == "report":
        last = ctx.storage.last
        line = f"report:{me}:{ctx.storage.total or 0}:{ctx.storage.orders or 0}:{last['seq'] if last else 0}"
        ctx.send_egress(egress_message_builder(target_typename=OUT, value=line, value_type=StringType))
        return
    if text.startswith("confirm:"):
        seq = text.split(":")[1]
        ctx.send_egress(kafka_egress_message(typename=OUT, topic="confirmations", key=me, value=f"confirm:{me}:{seq}"))
        return
    if text.startswith("never:"):
        seq = text.split(":")[1]
        ctx.send_egress(egress_message_builder(target_typename=OUT, value=f"never:{me}:{seq}", value_type=StringType))
        return
    seq, amount, never_ms = (int(part) for part in text.split(":"))
    ctx.storage.total = (ctx.storage.total or 0) + amount
    ctx.storage.orders = (ctx.storage.orders or 0) + 1
    ctx.storage.last = {"seq": seq, "amount": amount}
    ctx.send(message_builder(target_typename=f"{NAMESPACE}/audit", target_id=me,
                             value={"seq": seq, "amount": amount}, value_type=ORDER))
    confirm = message_builder(target_typename=f"{NAMESPACE}/customer", target_id=me, str_value=f"confirm:{seq}")
    if seq % 2 == 0:
        ctx.send_after(timedelta(milliseconds=50), confirm, cancellation_token=f"confirm-{me}-{seq}")
    else:
        ctx.send_after(timedelta(milliseconds=50), confirm)
    if seq % 3 == 0:
        never = message_builder(target_typename=f"{NAMESPACE}/customer", target_id=me, str_value=f"never:{seq}")
        ctx.send_after(timedelta(milliseconds=never_ms), never, cancellation_token=f"never-{me}-{seq}")
    if seq % 3 == 1 and seq > 1:
        ctx.cancel_delayed_message(f"never-{me}-{seq - 1}")


@functions.bind(typename=f"{NAMESPACE}/audit", specs=[ValueSpec(name="seen", type=IntType)])
async def audit(ctx, message):
    order = message.as_type(ORDER)
    seen = (ctx.storage.seen or 0) + 1
    ctx.storage.seen = seen
    line = f"audit:{ctx.address.id}:{order['seq']}:{order['amount']}:{seen}"
    ctx.send_egress(egress_message_builder(target_typename=OUT, value=line, value_type=StringType))


handler = RequestReplyHandler(functions)


async def statefun(request):
    body = await request.read()
    reply = await handler.handle_async(body)
    return web.Response(body=reply, content_type="application/octet-stream")


async def main():
    app = web.Application()
    app.add_routes([web.post("/statefun", statefun)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", PORT).start()
    print("serving", flush=True)
    await asyncio.Event().wait()


asyncio.run(main())
