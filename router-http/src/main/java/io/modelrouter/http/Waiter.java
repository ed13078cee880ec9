package io.modelrouter.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Blocks a caller on an asynchronous {@link Transport} until the answer's headers arrive. */
final class Waiter implements Transport.Listener {
  private Transport.@Nullable Response response;
  private @Nullable IOException failure;
  private boolean done;
  private boolean abandoned;

  @Override
  public synchronized void onResponse(Transport.Response r) {
    if (abandoned) {
      r.close();
      return;
    }
    response = r;
    done = true;
    notifyAll();
  }

  @Override
  public synchronized void onFailure(IOException e) {
    failure = e;
    done = true;
    notifyAll();
  }

  /** Waits for the answer; an interrupted wait cancels the call and closes an answer that comes later. */
  synchronized Transport.Response await(Transport.Call call) throws IOException {
    try {
      while (!done) {
        wait();
      }
    } catch (InterruptedException e) {
      abandoned = true;
      call.cancel();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the endpoint");
    }
    if (failure != null) {
      throw failure;
    }
    return Objects.requireNonNull(response);
  }
}
