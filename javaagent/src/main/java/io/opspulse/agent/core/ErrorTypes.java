package io.opspulse.agent.core;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * {@code error.type}: the class of the exception the application threw, not of the wrappers a
 * container, a framework or the JDK put around it on the way out (as OpenTelemetry's error-cause
 * extractors do: {@code ServletException} and subclasses such as Spring's former {@code
 * NestedServletException}, {@code CompletionException}, {@code ExecutionException}, {@code
 * InvocationTargetException}, {@code UndeclaredThrowableException}).
 */
final class ErrorTypes {
  private static final int MAX_DEPTH = 16;

  private ErrorTypes() {}

  static @Nullable String of(Throwable error) {
    return error == null ? null : unwrap(error).getClass().getName();
  }

  static Throwable unwrap(Throwable error) {
    Throwable e = error;
    for (int i = 0;
        i < MAX_DEPTH && e.getCause() != null && e.getCause() != e && isWrapper(e);
        i++) {
      e = e.getCause();
    }
    return e;
  }

  private static boolean isWrapper(Throwable e) {
    if (e instanceof CompletionException
        || e instanceof ExecutionException
        || e instanceof InvocationTargetException
        || e instanceof UndeclaredThrowableException) {
      return true;
    }
    // The servlet API is the application's, not ours: recognised by name, javax and jakarta alike.
    // Its
    // getRootCause() is the cause the exception was built with (Servlet 3+ passes it to Throwable).
    for (Class<?> c = e.getClass(); c != null && c != Exception.class; c = c.getSuperclass()) {
      String name = c.getName();
      if (name.equals("jakarta.servlet.ServletException")
          || name.equals("javax.servlet.ServletException")) {
        return true;
      }
    }
    return false;
  }
}
