package io.keyflow.interop;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.statefun.sdk.java.Address;
import org.apache.flink.statefun.sdk.java.Context;
import org.apache.flink.statefun.sdk.java.StatefulFunction;
import org.apache.flink.statefun.sdk.java.StatefulFunctionSpec;
import org.apache.flink.statefun.sdk.java.StatefulFunctions;
import org.apache.flink.statefun.sdk.java.TypeName;
import org.apache.flink.statefun.sdk.java.ValueSpec;
import org.apache.flink.statefun.sdk.java.handler.RequestReplyHandler;
import org.apache.flink.statefun.sdk.java.io.KafkaEgressMessage;
import org.apache.flink.statefun.sdk.java.message.EgressMessageBuilder;
import org.apache.flink.statefun.sdk.java.message.Message;
import org.apache.flink.statefun.sdk.java.message.MessageBuilder;
import org.apache.flink.statefun.sdk.java.slice.Slice;
import org.apache.flink.statefun.sdk.java.slice.Slices;
import org.apache.flink.statefun.sdk.java.types.SimpleType;
import org.apache.flink.statefun.sdk.java.types.Type;

/**
 * The interop workload (see ../README.md) with the official StateFun Java SDK 3.3.0, served by the
 * JDK's HTTP server. Usage: {@code java -cp ... io.keyflow.interop.InteropFunctions <namespace> <port>}.
 */
public final class InteropFunctions {

  /** The JSON type interop/Order; the JDK has no JSON library, and the object is two integers. */
  static final class Order {
    final int seq;
    final int amount;

    Order(int seq, int amount) {
      this.seq = seq;
      this.amount = amount;
    }

    private static final Pattern FIELD = Pattern.compile("\"(seq|amount)\"\\s*:\\s*(-?\\d+)");

    static Order fromJson(byte[] bytes) {
      Matcher matcher = FIELD.matcher(new String(bytes, StandardCharsets.UTF_8));
      int seq = 0;
      int amount = 0;
      while (matcher.find()) {
        int value = Integer.parseInt(matcher.group(2));
        if (matcher.group(1).equals("seq")) seq = value;
        else amount = value;
      }
      return new Order(seq, amount);
    }

    byte[] toJson() {
      return ("{\"seq\":" + seq + ",\"amount\":" + amount + "}").getBytes(StandardCharsets.UTF_8);
    }
  }

  static final Type<Order> ORDER =
      SimpleType.simpleImmutableTypeFrom(TypeName.typeNameFromString("interop/Order"), Order::toJson, Order::fromJson);
  static final ValueSpec<Integer> TOTAL = ValueSpec.named("total").withIntType();
  static final ValueSpec<Integer> ORDERS = ValueSpec.named("orders").withIntType();
  static final ValueSpec<Order> LAST = ValueSpec.named("last").withCustomType(ORDER);
  static final ValueSpec<Integer> SEEN = ValueSpec.named("seen").withIntType();

  private final String namespace;

  private InteropFunctions(String namespace) {
    this.namespace = namespace;
  }

  private TypeName typeName(String name) {
    return TypeName.typeNameOf(namespace, name);
  }

  private void out(Context context, String line) {
    context.send(EgressMessageBuilder.forEgress(typeName("out")).withValue(line).build());
  }

  private final class Customer implements StatefulFunction {
    @Override
    public CompletableFuture<Void> apply(Context context, Message message) {
      String text = message.asUtf8String();
      String me = context.self().id();
      int total = context.storage().get(TOTAL).orElse(0);
      int orders = context.storage().get(ORDERS).orElse(0);
      if (text.equals("noop")) return context.done();
      if (text.equals("ask")) {
        Address caller = context.caller().orElseThrow();
        context.send(
            MessageBuilder.forAddress(caller).withValue("total:" + me + ":" + total + ":" + orders).build());
        return context.done();
      }
      if (text.equals("report")) {
        int lastSeq = context.storage().get(LAST).map(order -> order.seq).orElse(0);
        out(context, "report:" + me + ":" + total + ":" + orders + ":" + lastSeq);
        return context.done();
      }
      if (text.startsWith("confirm:")) {
        context.send(
            KafkaEgressMessage.forEgress(typeName("out"))
                .withTopic("confirmations")
                .withUtf8Key(me)
                .withUtf8Value("confirm:" + me + ":" + text.split(":")[1])
                .build());
        return context.done();
      }
      if (text.startsWith("never:")) {
        out(context, "never:" + me + ":" + text.split(":")[1]);
        return context.done();
      }
      String[] parts = text.split(":");
      int seq = Integer.parseInt(parts[0]);
      int amount = Integer.parseInt(parts[1]);
      long neverMs = Long.parseLong(parts[2]);
      context.storage().set(TOTAL, total + amount);
      context.storage().set(ORDERS, orders + 1);
      context.storage().set(LAST, new Order(seq, amount));
      context.send(MessageBuilder.forAddress(typeName("audit"), me).withCustomType(ORDER, new Order(seq, amount)).build());
      Message confirm = MessageBuilder.forAddress(context.self()).withValue("confirm:" + seq).build();
      if (seq % 2 == 0) context.sendAfter(Duration.ofMillis(50), "confirm-" + me + "-" + seq, confirm);
      else context.sendAfter(Duration.ofMillis(50), confirm);
      if (seq % 3 == 0) {
        Message never = MessageBuilder.forAddress(context.self()).withValue("never:" + seq).build();
        context.sendAfter(Duration.ofMillis(neverMs), "never-" + me + "-" + seq, never);
      }
      if (seq % 3 == 1 && seq > 1) context.cancelDelayedMessage("never-" + me + "-" + (seq - 1));
      return context.done();
    }
  }

  private final class Audit implements StatefulFunction {
    @Override
    public CompletableFuture<Void> apply(Context context, Message message) {
      Order order = message.as(ORDER);
      int seen = context.storage().get(SEEN).orElse(0) + 1;
      context.storage().set(SEEN, seen);
      out(context, "audit:" + context.self().id() + ":" + order.seq + ":" + order.amount + ":" + seen);
      return context.done();
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) throw new IllegalArgumentException("usage: InteropFunctions <namespace> <port>");
    InteropFunctions functions = new InteropFunctions(args[0]);
    StatefulFunctions statefun =
        new StatefulFunctions()
            .withStatefulFunction(
                StatefulFunctionSpec.builder(functions.typeName("customer"))
                    .withValueSpecs(TOTAL, ORDERS, LAST)
                    .withSupplier(() -> functions.new Customer()))
            .withStatefulFunction(
                StatefulFunctionSpec.builder(functions.typeName("audit"))
                    .withValueSpec(SEEN)
                    .withSupplier(() -> functions.new Audit()));
    RequestReplyHandler handler = statefun.requestReplyHandler();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])), 0);
    server.createContext("/statefun", exchange -> serve(handler, exchange));
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    System.out.println("serving");
    System.out.flush();
  }

  private static void serve(RequestReplyHandler handler, HttpExchange exchange) throws IOException {
    try {
      byte[] request = exchange.getRequestBody().readAllBytes();
      Slice reply = handler.handle(Slices.wrap(request)).join();
      byte[] body = reply.toByteArray();
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream stream = exchange.getResponseBody()) {
        stream.write(body);
      }
    } catch (RuntimeException e) {
      e.printStackTrace();
      byte[] body = String.valueOf(e).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(500, body.length);
      try (OutputStream stream = exchange.getResponseBody()) {
        stream.write(body);
      }
    } finally {
      exchange.close();
    }
  }
}
