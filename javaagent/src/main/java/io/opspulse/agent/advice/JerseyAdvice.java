package io.opspulse.agent.advice;

import java.util.List;
import net.bytebuddy.asm.Advice;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.uri.UriTemplate;

/**
 * Inlined into Jersey's {@code ApplicationHandler.handle(ContainerRequest)}: once Jersey has
 * matched and run the request, the {@code @Path} templates it matched (class, then method) are left
 * on the request for the servlet advice, which reads them with the servlet mapping when the request
 * ends. On a servlet container Jersey's request properties are the servlet request's attributes.
 */
public final class JerseyAdvice {
  /**
   * The attribute the templates are kept in, outermost first; read by the agent's ServletAccessor.
   */
  public static final String TEMPLATES = "io.opspulse.agent.jaxrs.templates";

  private JerseyAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit(@Advice.Argument(0) ContainerRequest request) {
    List<UriTemplate> matched = request.getUriInfo().getMatchedTemplates();
    if (matched != null && !matched.isEmpty()) {
      // Jersey lists the last matched template first.
      String[] templates = new String[matched.size()];
      for (int i = 0; i < templates.length; i++) {
        templates[templates.length - 1 - i] = matched.get(i).getTemplate();
      }
      request.setProperty(TEMPLATES, templates);
    }
  }
}
