package io.modelrouter.registry.etcd;

/**
 * etcd could not be reached or refused a request. The message names the member's URL and what
 * failed, such as {@code cannot reach etcd at http://127.0.0.1:2379/: Connection refused}.
 */
public final class EtcdException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An error with this message. */
  public EtcdException(String message) {
    super(message);
  }

  /** An error with this message and cause. */
  public EtcdException(String message, Throwable cause) {
    super(message, cause);
  }
}
