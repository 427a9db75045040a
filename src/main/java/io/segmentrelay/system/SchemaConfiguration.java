package io.segmentrelay.system;

import java.util.Map;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The schema's database-specific parts come from the {@link Dialect}, as placeholders. */
@Configuration(proxyBeanMethods = false)
class SchemaConfiguration {

  @Bean
  FlywayConfigurationCustomizer dialectPlaceholders(Dialect dialect) {
    return flyway -> flyway.placeholders(Map.of("identity_cache", dialect.identityCache()));
  }
}
