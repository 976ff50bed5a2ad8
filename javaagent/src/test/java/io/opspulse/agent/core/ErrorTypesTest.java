package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ErrorTypesTest {
  @Test
  void theApplicationsExceptionIsFoundInsideTheWrappers() {
    IllegalStateException thrown = new IllegalStateException("owner 7 has no pets");
    assertThat(
            ErrorTypes.of(
                new jakarta.servlet.ServletException("Request processing failed", thrown)))
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(
            ErrorTypes.of(
                new CompletionException(
                    new ExecutionException(
                        new InvocationTargetException(new UndeclaredThrowableException(thrown))))))
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(ErrorTypes.of(new SubclassOfServletException(thrown)))
        .as("subclasses, as Spring's NestedServletException was")
        .isEqualTo(IllegalStateException.class.getName());
  }

  @Test
  void anExceptionThatWrapsNothingOrIsNoWrapperIsItself() {
    assertThat(ErrorTypes.of(new jakarta.servlet.ServletException("no cause")))
        .isEqualTo("jakarta.servlet.ServletException");
    assertThat(ErrorTypes.of(new IllegalArgumentException(new java.io.IOException())))
        .isEqualTo(IllegalArgumentException.class.getName());
    assertThat(ErrorTypes.of(null)).isNull();
  }

  private static final class SubclassOfServletException extends jakarta.servlet.ServletException {
    SubclassOfServletException(Throwable cause) {
      super(cause);
    }
  }
}
