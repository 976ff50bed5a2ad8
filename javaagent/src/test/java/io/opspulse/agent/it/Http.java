package io.opspulse.agent.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The test's own HTTP calls to the applications (this JVM runs no agent). */
final class Http {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  /** One GET on its own connection, exactly once; what came back before the server closed it. */
  static String rawGet(int port, String path) {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new String(
          socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new IllegalStateException("GET " + path + " on port " + port + ": " + e, e);
    }
  }

  /**
   * GETs on one keep-alive connection, each sent as soon as the previous response is read; the
   * status line of each response.
   */
  static java.util.List<String> keepAliveGets(int port, String... paths) {
    java.util.List<String> statuses = new java.util.ArrayList<>();
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      java.io.DataInputStream in =
          new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
      for (String path : paths) {
        socket
            .getOutputStream()
            .write(
                ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String status = readLine(in);
        statuses.add(status);
        long length = 0;
        for (String header = readLine(in); !header.isEmpty(); header = readLine(in)) {
          if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
            length = Long.parseLong(header.substring("content-length:".length()).trim());
          }
        }
        in.skipNBytes(length);
      }
      return statuses;
    } catch (IOException e) {
      throw new IllegalStateException("keep-alive GETs on port " + port + ": " + e, e);
    }
  }

  private static String readLine(java.io.DataInputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed after '" + line + "'");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  static HttpResponse<String> get(String url) {
    try {
      return CLIENT.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
