package io.modelrouter.gateway;

/** A configuration value refused by a section's check, with the key it was given under. */
final class ConfigValueException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String key;

  ConfigValueException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** The refused key, relative to the section being read. */
  String key() {
    return key;
  }
}
