package io.segmentrelay.system;

/** A root secret given to the relay is too weak to protect what it guards; the relay will not start. */
public final class WeakSecretException extends IllegalStateException {

  private final String variable;
  private final String action;

  WeakSecretException(String variable, String problem, String action) {
    super(variable + " " + problem);
    this.variable = variable;
    this.action = action;
  }

  /** The environment variable holding the secret. */
  public String variable() {
    return variable;
  }

  /** How to make a strong one. */
  public String action() {
    return action;
  }
}
