package io.segmentrelay.openapi;

import io.swagger.v3.core.util.Yaml;
import io.swagger.v3.oas.models.OpenAPI;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;

/**
 * The OpenAPI description of the ingest endpoints, served at {@code /v3/api-docs} and rendered at
 * {@code /swagger-ui.html}. It is written by hand ({@code openapi/relay.yaml}): the endpoints read
 * their bodies themselves, so nothing could be generated from their signatures, and a test checks
 * the description against the running endpoints instead. No controller is scanned.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

  static final String LOCATION = "openapi/relay.yaml";

  @Bean
  OpenApiCustomizer handWrittenDescription() {
    var described = read();
    return openApi -> {
      openApi.setInfo(described.getInfo());
      openApi.setTags(described.getTags());
      openApi.setPaths(described.getPaths());
      openApi.setComponents(described.getComponents());
    };
  }

  private static OpenAPI read() {
    try (var in = new ClassPathResource(LOCATION).getInputStream()) {
      return Yaml.mapper().readValue(in, OpenAPI.class);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + LOCATION, e);
    }
  }
}
