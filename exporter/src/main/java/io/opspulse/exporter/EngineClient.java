package io.opspulse.exporter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The few read-only Engine API calls the exporter makes (ping, version, info, list, inspect, events),
 * over HTTP/1.1 on the daemon's unix socket or TCP port. Hand-written rather than a full client
 * library: the exporter needs six GET requests, exact control of the event stream, and a small heap.
 * Every call is a GET; nothing here can change the daemon's state.
 */
final class EngineClient implements Closeable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 64 * 1024 * 1024;

  private final DockerEndpoint endpoint;
  private final Duration timeout;
  private final javax.net.ssl.SSLContext tls;
  private final boolean verifyHostname;
  // Unix-socket channels have no read timeout of their own: a watchdog closes a call that overruns.
  private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "opspulse-engine-watchdog");
    t.setDaemon(true);
    return t;
  });

  EngineClient(DockerEndpoint endpoint, Duration timeout) {
    this(endpoint, timeout, null, false);
  }

  /** {@code tls} non-null: {@code tcp://} with TLS (client certificate included), as DOCKER_CERT_PATH sets up. */
  EngineClient(DockerEndpoint endpoint, Duration timeout, javax.net.ssl.SSLContext tls, boolean verifyHostname) {
    this.endpoint = endpoint;
    this.timeout = timeout;
    this.tls = tls;
    this.verifyHostname = verifyHostname;
  }

  DockerEndpoint endpoint() {
    return endpoint;
  }

  /** GETs {@code path} and parses the JSON body; throws for any status but 2xx. */
  JsonNode get(String path) throws EngineException {
    try (Connection c = open()) {
      ScheduledFuture<?> guard = watchdog.schedule(c::closeQuietly, timeout.toMillis(), TimeUnit.MILLISECONDS);
      try {
        Response r = c.request(path);
        byte[] body = r.readAll();
        if (r.status / 100 != 2) {
          throw new EngineException("GET " + path + ": " + r.status + " " + errorMessage(body), r.status);
        }
        return JSON.readTree(body);
      } finally {
        guard.cancel(false);
      }
    } catch (EngineException e) {
      throw e;
    } catch (IOException e) {
      throw new EngineException("GET " + path + " on " + endpoint + ": " + e.getMessage(), e);
    }
  }

  /**
   * Follows {@code /events} from engine time {@code since} ("seconds.nanos"; null: from now), handing each event to
   * {@code handler} until the stream ends, breaks or {@link EventStream#close()} is called. Returns
   * normally when the daemon ends the stream; throws when it could not be opened or broke.
   */
  EventStream openEvents(String since) throws EngineException {
    String filters = "{\"type\":[\"container\"]}";
    String path = "/events?filters=" + java.net.URLEncoder.encode(filters, StandardCharsets.UTF_8)
        + (since != null ? "&since=" + since : "");
    Connection c;
    try {
      c = open();
    } catch (IOException e) {
      throw new EngineException("GET /events on " + endpoint + ": " + e.getMessage(), e);
    }
    try {
      Response r = c.request(path);
      if (r.status != 200) {
        byte[] body = r.readAll();
        c.closeQuietly();
        throw new EngineException("GET /events: " + r.status + " " + errorMessage(body), r.status);
      }
      return new EventStream(c, r.body());
    } catch (IOException e) {
      c.closeQuietly();
      throw e instanceof EngineException ee ? ee : new EngineException("GET /events: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
  }

  private Connection open() throws IOException {
    if (endpoint.isUnix()) {
      SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(endpoint.socket()));
      return new Connection(ch, Channels.newInputStream(ch), Channels.newOutputStream(ch));
    }
    Socket s = new Socket();
    s.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) timeout.toMillis());
    if (tls != null) {
      javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
          .createSocket(s, endpoint.host(), endpoint.port(), true);
      if (verifyHostname) {
        javax.net.ssl.SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(params);
      }
      ssl.setSoTimeout((int) timeout.toMillis());
      ssl.startHandshake();
      ssl.setSoTimeout(0); // the event stream blocks for as long as nothing happens
      return new Connection(ssl, ssl.getInputStream(), ssl.getOutputStream());
    }
    return new Connection(s, s.getInputStream(), s.getOutputStream());
  }

  private static String errorMessage(byte[] body) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n != null && n.has("message")) {
        return n.get("message").asText();
      }
    } catch (IOException ignored) {
      // not JSON: fall through to the raw text
    }
    String s = new String(body, StandardCharsets.UTF_8).strip();
    return s.length() > 200 ? s.substring(0, 200) : s;
  }

  /** A live {@code /events} stream. */
  static final class EventStream implements Closeable {
    private final Connection connection;
    private final InputStream body;

    private EventStream(Connection connection, InputStream body) {
      this.connection = connection;
      this.body = body;
    }

    /** Reads events until the stream ends (returns) or breaks (throws). */
    void forEach(Consumer<JsonNode> handler) throws IOException {
      try (MappingIterator<JsonNode> events = JSON.readerFor(JsonNode.class).readValues(body)) {
        while (events.hasNextValue()) {
          handler.accept(events.nextValue());
        }
      } catch (RuntimeException e) {
        // MappingIterator wraps I/O failures in unchecked exceptions.
        throw new IOException("event stream broke: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      connection.closeQuietly();
    }
  }

  private static final class Connection implements Closeable {
    private final Closeable channel;
    private final InputStream in;
    private final OutputStream out;

    Connection(Closeable channel, InputStream in, OutputStream out) {
      this.channel = channel;
      this.in = new BufferedInputStream(in, 16 * 1024);
      this.out = out;
    }

    Response request(String path) throws IOException {
      String req = "GET " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: opspulse-exporter\r\n"
          + "Accept: application/json\r\nConnection: close\r\n\r\n";
      out.write(req.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String statusLine = readLine(in);
      if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP response: " + statusLine);
      }
      String[] parts = statusLine.split(" ", 3);
      int status = Integer.parseInt(parts[1]);
      long length = -1;
      boolean chunked = false;
      String line;
      while ((line = readLine(in)) != null && !line.isEmpty()) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).strip();
        if (name.equals("content-length")) {
          length = Long.parseLong(value);
        } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
          chunked = true;
        }
      }
      InputStream body = chunked ? new ChunkedInputStream(in) : length >= 0 ? new LimitedInputStream(in, length) : in;
      return new Response(status, body);
    }

    void closeQuietly() {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing is best effort
      }
    }

    @Override
    public void close() {
      closeQuietly();
    }
  }

  private record Response(int status, InputStream body) {
    byte[] readAll() throws IOException {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      byte[] chunk = new byte[16 * 1024];
      int n;
      while ((n = body.read(chunk)) >= 0) {
        buf.write(chunk, 0, n);
        if (buf.size() > MAX_BODY) {
          throw new IOException("response larger than " + MAX_BODY + " bytes");
        }
      }
      return buf.toByteArray();
    }
  }

  static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int len = sb.length();
        if (len > 0 && sb.charAt(len - 1) == '\r') {
          sb.setLength(len - 1);
        }
        return sb.toString();
      }
      sb.append((char) c);
      if (sb.length() > 64 * 1024) {
        throw new IOException("header line too long");
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  /** Decodes HTTP/1.1 chunked transfer encoding. */
  static final class ChunkedInputStream extends InputStream {
    private final InputStream in;
    private long remaining;
    private boolean done;

    ChunkedInputStream(InputStream in) {
      this.in = in;
    }

    private boolean nextChunk() throws IOException {
      if (done) {
        return false;
      }
      String size = readLine(in);
      if (size == null) {
        throw new IOException("stream ended inside a chunked body");
      }
      int semi = size.indexOf(';');
      String hex = (semi >= 0 ? size.substring(0, semi) : size).strip();
      try {
        remaining = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size '" + hex + "'");
      }
      if (remaining < 0 || hex.startsWith("+") || hex.startsWith("-")) {
        throw new IOException("bad chunk size '" + hex + "'");
      }
      if (remaining == 0) {
        done = true;
        String trailer;
        while ((trailer = readLine(in)) != null && !trailer.isEmpty()) {
          // trailers are ignored
        }
        return false;
      }
      return true;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining == 0) {
        if (!nextChunk()) {
          return -1;
        }
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n < 0) {
        throw new IOException("stream ended inside a chunk");
      }
      remaining -= n;
      if (remaining == 0) {
        readLine(in); // the CRLF after the chunk's data
      }
      return n;
    }
  }

  /** A body of known length. */
  static final class LimitedInputStream extends InputStream {
    private final InputStream in;
    private long remaining;

    LimitedInputStream(InputStream in, long length) {
      this.in = in;
      this.remaining = length;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int c = in.read();
      if (c >= 0) {
        remaining--;
      }
      return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }
  }
}
