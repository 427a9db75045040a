package io.segmentrelay.system;

import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class SecretsConfiguration {

  @Bean
  Secrets secrets(RelayProperties properties, DataSourceProperties dataSource) {
    var url = dataSource.determineUrl();
    boolean embedded = url != null && url.startsWith("jdbc:h2:");
    return Secrets.load(properties, embedded);
  }
}
