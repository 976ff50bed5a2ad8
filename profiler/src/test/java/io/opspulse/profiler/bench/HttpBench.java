package io.opspulse.profiler.bench;

import com.sun.net.httpserver.HttpServer;
import io.opspulse.profiler.ContinuousProfiler;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A hello endpoint on the JDK's HttpServer at 127.0.0.1:port, profiler off or on; wrk drives it
 * (see docs/benchmarks.md). Runs until killed; prints the profiler's state on SIGTERM.
 *
 * <p>Usage: {@code HttpBench <off|periodMs> <port>}
 */
public final class HttpBench {
  public static void main(String[] args) throws Exception {
    ContinuousProfiler profiler = BenchProfiler.start(args[0]);
    HttpServer server =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1])),
            128);
    byte[] hello = "hello\n".getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/hello",
        ex -> {
          try (ex) {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, hello.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(hello);
            }
          }
        });
    // The script marks /cpu?mark before the measured wrk run and reads /cpu after it: the profiler
    // threads' share of the process's CPU over the run.
    java.util.concurrent.atomic.AtomicReference<java.util.Map<String, Long>> mark =
        new java.util.concurrent.atomic.AtomicReference<>(BenchProfiler.threadCpuTicks());
    server.createContext(
        "/cpu",
        ex -> {
          try (ex) {
            java.util.Map<String, Long> now = BenchProfiler.threadCpuTicks();
            if ("mark".equals(ex.getRequestURI().getQuery())) {
              mark.set(now);
            }
            byte[] body =
                (BenchProfiler.threadCpu(mark.get(), now) + "\n").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(body);
            }
          }
        });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () ->
                    System.out.println(
                        "RESULT bench=http mode="
                            + args[0]
                            + " "
                            + BenchProfiler.describe(profiler))));
    System.out.println("READY");
    Thread.currentThread().join();
  }
}
