package io.opspulse.testapp;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A servlet application on Undertow, deployed through Undertow's own servlet API as an embedded
 * application does (Spring Boot 4 no longer offers Undertow): context {@code /shop} with an exact,
 * a path and an extension mapping, a servlet whose failure the container wraps, and a slow one that
 * holds a worker thread. Undertow's XNIO worker runs the requests on 2 threads at most. Usage:
 * UndertowApp port. Prints READY when it serves.
 */
public final class UndertowApp {
  private UndertowApp() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    DeploymentInfo shop =
        Servlets.deployment()
            .setClassLoader(UndertowApp.class.getClassLoader())
            .setContextPath("/shop")
            .setDeploymentName("shop.war")
            .addServlets(
                Servlets.servlet("owners", OwnersServlet.class).addMapping("/owners/*"),
                Servlets.servlet("find", FindServlet.class).addMapping("/owners/find"),
                Servlets.servlet("visits", VisitsServlet.class).addMapping("*.visit"),
                Servlets.servlet("slow", SlowServlet.class).addMapping("/slow"));
    DeploymentManager manager = Servlets.defaultContainer().addDeployment(shop);
    manager.deploy();
    Undertow server =
        Undertow.builder()
            .addHttpListener(port, "127.0.0.1")
            .setIoThreads(1)
            .setWorkerThreads(2)
            .setHandler(Handlers.path().addPrefixPath("/shop", manager.start()))
            .build();
    server.start();
    System.out.println("READY");
  }

  /** {@code /owners/*}: the owner named by the rest of the path. */
  public static final class OwnersServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.getWriter().print("owner " + req.getPathInfo().substring(1));
    }
  }

  /** {@code /owners/find}: an exact mapping beside the path mapping. */
  public static final class FindServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.getWriter().print("find owners");
    }
  }

  /** {@code *.visit}: visits are closed; the container sees a ServletException around the cause. */
  public static final class VisitsServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException {
      throw new ServletException(new VisitsClosedException());
    }
  }

  /** {@code /slow?ms=N}: holds its worker thread N ms. */
  public static final class SlowServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      try {
        Thread.sleep(Long.parseLong(req.getParameter("ms")));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      resp.getWriter().print("slow");
    }
  }

  /** What the visits servlet fails with. */
  public static final class VisitsClosedException extends RuntimeException {
    VisitsClosedException() {
      super("visits are closed");
    }
  }
}
