package io.opspulse.exporter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A unix-socket proxy in front of a real daemon that decides, request by request, what the exporter
 * gets: the daemon's own answer (after the test acted, say removing the container about to be
 * inspected), an answer of the test's (500, garbage), no answer at all (a stall), or the daemon's
 * answer cut off after some bytes of its body (an event stream broken mid-chunk).
 *
 * <p>Every answer that passes gets {@code Connection: close}, so each request comes on a connection
 * of its own and the proxy sees every request line, however the client pools its connections.
 */
final class EngineProxy implements AutoCloseable {
  private final ServerSocketChannel server;
  private final Path upstream;
  private final Path socket;
  private final Function<String, Reply> rules;
  private final Thread acceptor;

  /** What the proxy does with one request, chosen from its path. */
  sealed interface Reply permits Pass, Respond, Stall, StallInBody, Cut {}

  record Pass() implements Reply {}

  /** Answers with this status and body instead of the daemon. */
  record Respond(int status, String body) implements Reply {}

  /** Reads the request and never answers, until the client gives up. */
  record Stall() implements Reply {}

  /**
   * Answers 200 with a chunked body, sends {@code bodyStart} as its first chunk, and then nothing
   * more, until the client gives up: a daemon that stops halfway through an answer.
   */
  record StallInBody(String bodyStart) implements Reply {}

  /**
   * Passes the daemon's answer, but closes the connection after {@code bodyBytes} bytes of its
   * body.
   */
  record Cut(int bodyBytes) implements Reply {}

  static final Reply PASS = new Pass();

  /** Every request passes; {@code beforeRequest} runs just before it reaches the daemon. */
  static EngineProxy watching(Path socket, Path upstream, Consumer<String> beforeRequest)
      throws IOException {
    return new EngineProxy(
        socket,
        upstream,
        path -> {
          beforeRequest.accept(path);
          return PASS;
        });
  }

  EngineProxy(Path socket, Path upstream, Function<String, Reply> rules) throws IOException {
    this.socket = socket;
    this.upstream = upstream;
    this.rules = rules;
    Files.deleteIfExists(socket);
    this.server =
        ServerSocketChannel.open(StandardProtocolFamily.UNIX)
            .bind(UnixDomainSocketAddress.of(socket));
    this.acceptor = new Thread(this::accept, "engine-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String dockerHost() {
    return "unix://" + socket;
  }

  private void accept() {
    while (server.isOpen()) {
      try {
        SocketChannel client = server.accept();
        Thread t = new Thread(() -> serve(client), "engine-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(SocketChannel client) {
    try (client) {
      byte[] head = readHead(client);
      if (head == null) {
        return;
      }
      String requestLine = new String(head, StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
      String[] parts = requestLine.split(" ");
      Reply reply = rules.apply(parts.length > 1 ? parts[1] : "");
      if (reply instanceof Respond r) {
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        String response =
            "HTTP/1.1 "
                + r.status()
                + " Proxy\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length
                + "\r\nConnection: close\r\n\r\n";
        client.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.ISO_8859_1)));
        client.write(ByteBuffer.wrap(body));
        return;
      }
      if (reply instanceof StallInBody partial) {
        // Chunked, as dockerd sends a large list: one chunk, then silence.
        byte[] start = partial.bodyStart().getBytes(StandardCharsets.UTF_8);
        String response =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(start.length)
                + "\r\n";
        client.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.ISO_8859_1)));
        client.write(ByteBuffer.wrap(start));
        client.write(ByteBuffer.wrap("\r\n".getBytes(StandardCharsets.ISO_8859_1)));
      }
      if (reply instanceof Stall || reply instanceof StallInBody) {
        ByteBuffer sink = ByteBuffer.allocate(1024);
        while (client.read(sink) >= 0) {
          sink.clear();
        }
        return;
      }
      try (SocketChannel up = SocketChannel.open(UnixDomainSocketAddress.of(upstream))) {
        up.write(ByteBuffer.wrap(head));
        byte[] responseHead = readHead(up);
        if (responseHead == null) {
          return;
        }
        client.write(ByteBuffer.wrap(withConnectionClose(responseHead)));
        long limit = reply instanceof Cut c ? c.bodyBytes() : Long.MAX_VALUE;
        pump(up, client, limit);
      }
    } catch (IOException e) {
      // a connection ending is normal
    }
  }

  /**
   * Reads up to and including the blank line that ends an HTTP head; null if the peer closed first.
   */
  private static byte[] readHead(SocketChannel from) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      one.clear();
      if (from.read(one) < 0) {
        return null;
      }
      head.write(one.array()[0]);
    }
    return head.toByteArray();
  }

  private static byte[] withConnectionClose(byte[] head) {
    String text = new String(head, StandardCharsets.ISO_8859_1);
    StringBuilder out = new StringBuilder();
    for (String line : text.substring(0, text.length() - 4).split("\r\n")) {
      if (!line.regionMatches(true, 0, "Connection:", 0, "Connection:".length())) {
        out.append(line).append("\r\n");
      }
    }
    out.append("Connection: close\r\n\r\n");
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void pump(SocketChannel from, SocketChannel to, long limit) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
    long left = limit;
    while (left > 0) {
      buf.clear();
      buf.limit((int) Math.min(buf.capacity(), left));
      int n = from.read(buf);
      if (n < 0) {
        return;
      }
      left -= n;
      buf.flip();
      while (buf.hasRemaining()) {
        to.write(buf);
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(socket);
  }
}
