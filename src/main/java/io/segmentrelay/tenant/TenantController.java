package io.segmentrelay.tenant;

import io.segmentrelay.auth.Caller;
import io.segmentrelay.system.ApiException;
import io.segmentrelay.system.Hashing;
import io.segmentrelay.system.Ids;
import java.time.Clock;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Creates organizations (operator) and apps (an organization's admin). Tokens and keys are
 * returned once, here, and stored only as hashes.
 */
@RestController
@RequestMapping(path = "/api/v1", produces = "application/json")
class TenantController {

  private final TenantStore store;
  private final Clock clock;

  TenantController(TenantStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  record Organization(String id, String name, String adminToken) {}

  record App(String id, String name, String organizationId, String ingestKey) {}

  @PostMapping(path = "/organizations", consumes = "application/json")
  @ResponseStatus(HttpStatus.CREATED)
  Organization createOrganization(@RequestBody JsonNode body) {
    var name = requiredName(body);
    var id = Ids.random("org");
    var token = Ids.token("sra");
    store.insertOrganization(id, name, Hashing.sha256(token), clock.instant());
    return new Organization(id, name, token);
  }

  @PostMapping(path = "/apps", consumes = "application/json")
  @ResponseStatus(HttpStatus.CREATED)
  App createApp(@AuthenticationPrincipal Caller.Admin admin, @RequestBody JsonNode body) {
    var name = requiredName(body);
    var id = Ids.random("app");
    var key = Ids.token("sri");
    store.insertApp(id, admin.organizationId(), name, Hashing.sha256(key), clock.instant());
    return new App(id, name, admin.organizationId(), key);
  }

  private static String requiredName(JsonNode body) {
    var name = body == null ? null : body.get("name");
    if (name == null || !name.isString() || name.asString().isBlank()) {
      throw ApiException.invalid("name", "is required: a non-empty string");
    }
    var trimmed = name.asString().trim();
    if (trimmed.length() > 200) {
      throw ApiException.invalid("name", "must be at most 200 characters");
    }
    return trimmed;
  }

}
