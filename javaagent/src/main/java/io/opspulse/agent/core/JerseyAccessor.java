package io.opspulse.agent.core;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Leaves the {@code @Path} templates Jersey matched for a {@code ContainerRequest} on that request
 * (as {@link HttpRoutes#JAX_RS_TEMPLATES}), where the servlet accessor reads them when the request
 * ends: on a servlet container Jersey's request properties are the servlet request's attributes.
 * Method handles on Jersey's API as the request's class loader sees it, looked up once per request
 * class.
 */
final class JerseyAccessor {
  private static final ClassValue<@Nullable JerseyAccessor> BY_REQUEST_CLASS =
      ApiTypes.perClass("org.glassfish.jersey.server.ContainerRequest", JerseyAccessor::new);

  private final MethodHandle uriInfo;
  private final MethodHandle matchedTemplates;
  private final MethodHandle template;
  private final MethodHandle setProperty;

  private JerseyAccessor(Class<?> request) throws ReflectiveOperationException {
    Class<?> uriInfoType = ApiTypes.sibling(request, "org.glassfish.jersey.server.ExtendedUriInfo");
    Class<?> templateType = ApiTypes.sibling(request, "org.glassfish.jersey.uri.UriTemplate");
    uriInfo = ApiTypes.getter(request, "getUriInfo", uriInfoType);
    matchedTemplates = ApiTypes.getter(uriInfoType, "getMatchedTemplates", List.class);
    template = ApiTypes.getter(templateType, "getTemplate", String.class);
    setProperty =
        MethodHandles.publicLookup()
            .findVirtual(
                request,
                "setProperty",
                MethodType.methodType(void.class, String.class, Object.class))
            .asType(MethodType.methodType(void.class, Object.class, String.class, Object.class));
  }

  static @Nullable JerseyAccessor of(Object request) {
    return request == null ? null : BY_REQUEST_CLASS.get(request.getClass());
  }

  /** The templates Jersey matched, outermost first, or null when it matched none. */
  String @Nullable [] matched(Object request) throws Throwable {
    Object info = uriInfo.invokeExact(request);
    if (info == null || !(matchedTemplates.invokeExact(info) instanceof List<?> matched)) {
      return null;
    }
    if (matched.isEmpty()) {
      return null;
    }
    // Jersey lists the last matched template first.
    String[] templates = new String[matched.size()];
    for (int i = 0; i < templates.length; i++) {
      Object matchedTemplate = matched.get(i);
      templates[templates.length - 1 - i] = (String) template.invokeExact(matchedTemplate);
    }
    return templates;
  }

  /** Leaves the matched templates on the request; nothing when Jersey matched none. */
  void leaveMatched(Object request) throws Throwable {
    String[] templates = matched(request);
    if (templates != null) {
      setProperty.invokeExact(request, HttpRoutes.JAX_RS_TEMPLATES, (Object) templates);
    }
  }
}
