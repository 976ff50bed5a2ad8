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

/**
 * A unix-socket proxy in front of a real daemon that lets a test act just before a request reaches it:
 * removing a container between the exporter's list and its inspect, say. Requests pass unchanged.
 */
final class EngineProxy implements AutoCloseable {
  private final ServerSocketChannel server;
  private final Path upstream;
  private final Path socket;
  private final Consumer<String> beforeRequest;
  private final Thread acceptor;

  EngineProxy(Path socket, Path upstream, Consumer<String> beforeRequest) throws IOException {
    this.socket = socket;
    this.upstream = upstream;
    this.beforeRequest = beforeRequest;
    Files.deleteIfExists(socket);
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
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
    try (client; SocketChannel up = SocketChannel.open(UnixDomainSocketAddress.of(upstream))) {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      ByteBuffer one = ByteBuffer.allocate(1);
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        one.clear();
        if (client.read(one) < 0) {
          return;
        }
        head.write(one.array()[0]);
      }
      String requestLine = head.toString(StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
      beforeRequest.accept(requestLine.split(" ")[1]);
      up.write(ByteBuffer.wrap(head.toByteArray()));
      Thread back = new Thread(() -> pump(up, client), "engine-proxy-back");
      back.setDaemon(true);
      back.start();
      pump(client, up);
      back.join(5000);
    } catch (IOException | InterruptedException e) {
      // a connection ending is normal
    }
  }

  private static void pump(SocketChannel from, SocketChannel to) {
    ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
    try {
      while (from.read(buf) >= 0) {
        buf.flip();
        while (buf.hasRemaining()) {
          to.write(buf);
        }
        buf.clear();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      // either side closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(socket);
  }
}
