package io.segmentrelay.system;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a refused secret at start, instead of a stack trace; the secret itself is not shown. */
final class WeakSecretFailureAnalyzer extends AbstractFailureAnalyzer<WeakSecretException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, WeakSecretException cause) {
    return new FailureAnalysis(
        "The relay refuses to start with a weak secret: " + cause.getMessage() + ".",
        "Set " + cause.variable() + " to a long random value, e.g.: " + cause.action(),
        cause);
  }
}
