package io.opspulse.lab.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Traffic for the demo service, from the lab's JVM: orders at about 8 a second, four clients
 * searching back to back (twice the pool's connections, so callers wait), and report requests at 3
 * a second (the report pool drains 2). Light on CPU: every loop mostly sleeps or waits on the
 * service.
 */
public final class LoadGenerator implements AutoCloseable {
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final String base;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong sent = new AtomicLong();
  private volatile boolean running = true;

  private LoadGenerator(String base) {
    this.base = base;
  }

  public static LoadGenerator start(int servicePort) {
    LoadGenerator g = new LoadGenerator("http://127.0.0.1:" + servicePort);
    g.loop("orders", "/api/orders", 125);
    for (int i = 0; i < 4; i++) {
      g.loop("search-" + i, "/api/search", 0);
    }
    g.loop("reports", "/api/reports", 333);
    return g;
  }

  public long sent() {
    return sent.get();
  }

  private void loop(String name, String path, long pauseMillis) {
    Thread t =
        new Thread(
            () -> {
              while (running) {
                try {
                  client.send(
                      HttpRequest.newBuilder(URI.create(base + path))
                          .timeout(Duration.ofSeconds(30))
                          .build(),
                      HttpResponse.BodyHandlers.discarding());
                  sent.incrementAndGet();
                } catch (InterruptedException e) {
                  return;
                } catch (Exception e) {
                  pause(1000); // the service is not up yet, or restarting
                }
                pause(pauseMillis);
              }
            },
            "lab-load-" + name);
    t.setDaemon(true);
    t.start();
    threads.add(t);
  }

  private void pause(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    threads.forEach(Thread::interrupt);
  }
}
