// The interop workload (see ../README.md) with the official StateFun Go SDK
// (github.com/apache/flink-statefun/statefun-sdk-go/v3 v3.3.0), served by net/http.
//
// Usage: interop-go <namespace> <port>
package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/apache/flink-statefun/statefun-sdk-go/v3/pkg/statefun"
)

type order struct {
	Seq    int32 `json:"seq"`
	Amount int32 `json:"amount"`
}

var (
	orderType = statefun.MakeJsonType(statefun.TypeNameFrom("interop/Order"))
	total     = statefun.ValueSpec{Name: "total", ValueType: statefun.Int32Type}
	orders    = statefun.ValueSpec{Name: "orders", ValueType: statefun.Int32Type}
	last      = statefun.ValueSpec{Name: "last", ValueType: orderType}
	seen      = statefun.ValueSpec{Name: "seen", ValueType: statefun.Int32Type}
)

type workload struct {
	namespace string
}

func (w workload) typeName(name string) statefun.TypeName {
	return statefun.TypeNameFrom(w.namespace + "/" + name)
}

func (w workload) out(ctx statefun.Context, line string) {
	ctx.SendEgress(statefun.GenericEgressBuilder{Target: w.typeName("out"), Value: line, ValueType: statefun.StringType})
}

func (w workload) customer(ctx statefun.Context, message statefun.Message) error {
	text := message.AsString()
	me := ctx.Self().Id
	storage := ctx.Storage()
	var t, n int32
	var l order
	storage.Get(total, &t)
	storage.Get(orders, &n)
	hasLast := storage.Get(last, &l)
	switch {
	case text == "noop":
		return nil
	case text == "ask":
		ctx.Send(statefun.MessageBuilder{
			Target: *ctx.Caller(), Value: fmt.Sprintf("total:%s:%d:%d", me, t, n), ValueType: statefun.StringType,
		})
		return nil
	case text == "report":
		lastSeq := int32(0)
		if hasLast {
			lastSeq = l.Seq
		}
		w.out(ctx, fmt.Sprintf("report:%s:%d:%d:%d", me, t, n, lastSeq))
		return nil
	case strings.HasPrefix(text, "confirm:"):
		seq := strings.Split(text, ":")[1]
		ctx.SendEgress(statefun.KafkaEgressBuilder{
			Target: w.typeName("out"), Topic: "confirmations", Key: me, Value: fmt.Sprintf("confirm:%s:%s", me, seq),
		})
		return nil
	case strings.HasPrefix(text, "never:"):
		w.out(ctx, fmt.Sprintf("never:%s:%s", me, strings.Split(text, ":")[1]))
		return nil
	}
	parts := strings.Split(text, ":")
	seq64, err := strconv.ParseInt(parts[0], 10, 32)
	if err != nil {
		return err
	}
	amount64, err := strconv.ParseInt(parts[1], 10, 32)
	if err != nil {
		return err
	}
	neverMs, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return err
	}
	seq, amount := int32(seq64), int32(amount64)
	storage.Set(total, t+amount)
	storage.Set(orders, n+1)
	storage.Set(last, order{Seq: seq, Amount: amount})
	ctx.Send(statefun.MessageBuilder{
		Target: statefun.Address{FunctionType: w.typeName("audit"), Id: me}, Value: order{Seq: seq, Amount: amount}, ValueType: orderType,
	})
	confirm := statefun.MessageBuilder{Target: ctx.Self(), Value: fmt.Sprintf("confirm:%d", seq)}
	if seq%2 == 0 {
		ctx.SendAfterWithCancellationToken(50*time.Millisecond, token(fmt.Sprintf("confirm-%s-%d", me, seq)), confirm)
	} else {
		ctx.SendAfter(50*time.Millisecond, confirm)
	}
	if seq%3 == 0 {
		never := statefun.MessageBuilder{Target: ctx.Self(), Value: fmt.Sprintf("never:%d", seq)}
		ctx.SendAfterWithCancellationToken(time.Duration(neverMs)*time.Millisecond, token(fmt.Sprintf("never-%s-%d", me, seq)), never)
	}
	if seq%3 == 1 && seq > 1 {
		ctx.CancelDelayedMessage(token(fmt.Sprintf("never-%s-%d", me, seq-1)))
	}
	return nil
}

func (w workload) audit(ctx statefun.Context, message statefun.Message) error {
	var o order
	if err := message.As(orderType, &o); err != nil {
		return err
	}
	var s int32
	ctx.Storage().Get(seen, &s)
	s++
	ctx.Storage().Set(seen, s)
	w.out(ctx, fmt.Sprintf("audit:%s:%d:%d:%d", ctx.Self().Id, o.Seq, o.Amount, s))
	return nil
}

func token(text string) statefun.CancellationToken {
	t, err := statefun.NewCancellationToken(text)
	if err != nil {
		log.Fatalf("bad cancellation token %q: %v", text, err)
	}
	return t
}

func main() {
	if len(os.Args) != 3 {
		log.Fatalf("usage: %s <namespace> <port>", os.Args[0])
	}
	w := workload{namespace: os.Args[1]}
	builder := statefun.StatefulFunctionsBuilder()
	must(builder.WithSpec(statefun.StatefulFunctionSpec{
		FunctionType: w.typeName("customer"), States: []statefun.ValueSpec{total, orders, last},
		Function: statefun.StatefulFunctionPointer(w.customer),
	}))
	must(builder.WithSpec(statefun.StatefulFunctionSpec{
		FunctionType: w.typeName("audit"), States: []statefun.ValueSpec{seen},
		Function: statefun.StatefulFunctionPointer(w.audit),
	}))
	mux := http.NewServeMux()
	mux.Handle("/statefun", builder.AsHandler())
	listener, err := net.Listen("tcp", "127.0.0.1:"+os.Args[2])
	must(err)
	fmt.Println("serving")
	log.Fatal(http.Serve(listener, mux))
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
