package io.modelrouter.http.gateway;

import io.modelrouter.http.ForwardingException;

/**
 * What a client is told when forwarding failed: the kind of failure in words, never the transport's
 * own message (connection objects, endpoint addresses, timeout settings), which goes to the log
 * instead.
 */
final class ClientMessages {

  private ClientMessages() {}

  /** The message for a failure that no endpoint answered. */
  static String notAnswered(ForwardingException f) {
    String what;
    switch (f.kind()) {
      case CONNECT_FAILED:
        what = "no endpoint could be reached";
        break;
      case CONNECTION_LOST:
        what = "the connection to the endpoint broke before it answered";
        break;
      case TIMEOUT:
        what = "the endpoint did not answer within the request's deadline";
        break;
      default:
        what = "the request was cancelled";
        break;
    }
    return "no endpoint answered: " + what + " (" + f.attempts() + (f.attempts() == 1 ? " attempt)" : " attempts)");
  }
}
