package io.opspulse.testapp;

import java.io.IOException;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Embedded Jetty 12: ee10 (jakarta.servlet 6) and ee8 (javax.servlet 4), each on its own port. */
final class JettyApps {
  private JettyApps() {}

  static void startJakarta(int port) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    org.eclipse.jetty.ee10.servlet.ServletContextHandler context =
        new org.eclipse.jetty.ee10.servlet.ServletContextHandler("/shop");
    context.addServlet(
        new org.eclipse.jetty.ee10.servlet.ServletHolder(new JakartaItemServlet()), "/items/*");
    context.addServlet(
        new org.eclipse.jetty.ee10.servlet.ServletHolder(
            new org.glassfish.jersey.servlet.ServletContainer(
                new org.glassfish.jersey.server.ResourceConfig(JerseyOwners.class))),
        "/api/*");
    context.addFilter(
        new org.eclipse.jetty.ee10.servlet.FilterHolder(new JakartaTimingFilter()),
        "/*",
        java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
    server.setHandler(context);
    server.start();
  }

  static void startJavax(int port) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    org.eclipse.jetty.ee8.servlet.ServletContextHandler context =
        new org.eclipse.jetty.ee8.servlet.ServletContextHandler();
    context.setContextPath("/legacy");
    context.addServlet(
        new org.eclipse.jetty.ee8.servlet.ServletHolder(new JavaxReportServlet()), "/reports/*");
    server.setHandler(context);
    server.start();
  }

  /** GET /shop/items/{id}: 200, or 500 for id "broken" (thrown), 404 for "missing". */
  static final class JakartaItemServlet extends jakarta.servlet.http.HttpServlet {
    @Override
    protected void doGet(
        jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse resp)
        throws IOException {
      String id = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
      if (id.equals("broken")) {
        throw new IllegalStateException("broken item");
      }
      if (id.equals("missing")) {
        resp.sendError(404);
        return;
      }
      resp.setContentType("text/plain");
      resp.getWriter().write("item " + id);
    }
  }

  /** A filter in front of the servlet: the request is measured once, around both. */
  static final class JakartaTimingFilter implements jakarta.servlet.Filter {
    @Override
    public void doFilter(
        jakarta.servlet.ServletRequest request,
        jakarta.servlet.ServletResponse response,
        jakarta.servlet.FilterChain chain)
        throws IOException, jakarta.servlet.ServletException {
      chain.doFilter(request, response);
    }
  }

  /** GET /legacy/reports/{n}. */
  static final class JavaxReportServlet extends javax.servlet.http.HttpServlet {
    @Override
    protected void doGet(
        javax.servlet.http.HttpServletRequest req, javax.servlet.http.HttpServletResponse resp)
        throws IOException {
      resp.setContentType("text/plain");
      resp.getWriter().write("report " + req.getPathInfo());
    }
  }
}
