package io.segmentrelay.sandbox;

import io.segmentrelay.system.Dialect;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Whether the relay serves the sandbox: as {@code relay.sandbox.enabled} says, and when that is not
 * set, only on the embedded H2 (a demo or a test). A relay on PostgreSQL is a production one, where
 * a stand-in for Segment has to be asked for.
 */
final class SandboxEnabled implements Condition {

  static final String PROPERTY = "relay.sandbox.enabled";

  @Override
  public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
    var environment = context.getEnvironment();
    var explicit = environment.getProperty(PROPERTY);
    if (explicit != null && !explicit.isBlank()) {
      return Boolean.parseBoolean(explicit.strip());
    }
    var url = environment.getProperty("spring.datasource.url");
    return url == null || Dialect.embeddedH2(url);
  }
}
