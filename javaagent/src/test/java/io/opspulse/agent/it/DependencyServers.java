package io.opspulse.agent.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The applications' downstream dependency, run by the test: one tiny server per loopback address
 * (127.0.0.1, 127.0.0.2, ...) so that each client under test shows up under its own server.address.
 * {@code /dep?fail=1} answers 503, anything else 200.
 */
final class DependencyServers implements AutoCloseable {
  private final List<HttpServer> servers = new ArrayList<>();

  DependencyServers(String... addresses) throws IOException {
    for (String address : addresses) {
      HttpServer server = HttpServer.create(new InetSocketAddress(address, 0), 50);
      server.createContext(
          "/dep",
          ex -> {
            boolean fail = "fail=1".equals(ex.getRequestURI().getRawQuery());
            byte[] body = (fail ? "unavailable" : "ok").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(fail ? 503 : 200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
      servers.add(server);
    }
  }

  /** http://address:port/dep of the i-th server. */
  String url(int i) {
    InetSocketAddress a = servers.get(i).getAddress();
    return "http://" + a.getHostString() + ":" + a.getPort() + "/dep";
  }

  /** The port of the i-th server. */
  int port(int i) {
    return servers.get(i).getAddress().getPort();
  }

  @Override
  public void close() {
    servers.forEach(s -> s.stop(0));
  }
}
