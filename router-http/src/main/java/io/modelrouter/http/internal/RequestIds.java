package io.modelrouter.http.internal;

import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/** Request ids ({@code x-request-id}): the client's kept when sane, else a new random one. */
public final class RequestIds {

  private RequestIds() {}

  /** The client's request id if it is sane (1 to 128 visible ASCII characters), else a new random one. */
  public static String keepOrCreate(@Nullable String fromClient) {
    if (fromClient != null && !fromClient.isEmpty() && fromClient.length() <= 128) {
      boolean ok = true;
      for (int i = 0; i < fromClient.length() && ok; i++) {
        char c = fromClient.charAt(i);
        ok = c > 0x20 && c < 0x7f;
      }
      if (ok) {
        return fromClient;
      }
    }
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] hex = new char[32];
    long a = r.nextLong();
    long b = r.nextLong();
    for (int i = 0; i < 16; i++) {
      hex[i] = Character.forDigit((int) ((a >>> (4 * i)) & 0xf), 16);
      hex[16 + i] = Character.forDigit((int) ((b >>> (4 * i)) & 0xf), 16);
    }
    return new String(hex);
  }}
