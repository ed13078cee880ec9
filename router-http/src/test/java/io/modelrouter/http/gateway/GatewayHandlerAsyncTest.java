package io.modelrouter.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;

/** Every handler test again, through {@link GatewayHandler#handleAsync}: the same answers, without blocking. */
class GatewayHandlerAsyncTest extends GatewayHandlerTest {

  @Override
  void handle(GatewayHandler handler, TestExchange x) throws IOException {
    handler.handleAsync(x, x);
    try {
      x.awaitEnd();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException();
    }
    assertThat(x.aborted).isNull();
  }
}
