package io.segmentrelay.tenant;

import io.segmentrelay.auth.Caller;
import io.segmentrelay.system.ApiException;
import io.segmentrelay.system.Ids;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Organizations (the operator's), apps and credentials (an organization admin's). Tokens and keys
 * are returned once, when created, and stored only as hashes. An organization may hold several
 * admin tokens and an app several ingest keys, so either can be rotated without downtime: create
 * the new one, switch the clients over, revoke the old one.
 */
@RestController
@RequestMapping(path = "/api/v1", produces = "application/json")
class TenantController {

  private final TenantStore store;
  private final Clock clock;
  private final TransactionTemplate tx;
  private final ApplicationEventPublisher events;

  TenantController(TenantStore store, Clock clock, TransactionTemplate tx,
      ApplicationEventPublisher events) {
    this.store = store;
    this.clock = clock;
    this.tx = tx;
    this.events = events;
  }

  record Organization(String id, String name, String adminToken) {}

  record App(String id, String name, String organizationId, String ingestKey) {}

  @PostMapping(path = "/organizations", consumes = "application/json")
  @ResponseStatus(HttpStatus.CREATED)
  Organization createOrganization(@RequestBody JsonNode body) {
    var name = requiredName(body);
    var id = Ids.random("org");
    var token = tx.execute(s -> {
      store.insertOrganization(id, name, clock.instant());
      return store.issue(id, null, clock.instant()).token();
    });
    return new Organization(id, name, token);
  }

  @GetMapping("/organizations")
  Map<String, List<TenantStore.Named>> organizations() {
    return Map.of("organizations", store.organizations());
  }

  @PatchMapping(path = "/organizations/{id}", consumes = "application/json")
  TenantStore.Named renameOrganization(@PathVariable String id, @RequestBody JsonNode body) {
    var name = requiredName(body);
    if (!store.renameOrganization(id, name)) {
      throw ApiException.notFound("organization");
    }
    return store.organizations().stream().filter(o -> o.id().equals(id)).findFirst().orElseThrow();
  }

  /** Revokes every token and key of the organization at once; its integrations are deleted. */
  @DeleteMapping("/organizations/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void deleteOrganization(@PathVariable String id) {
    if (!Boolean.TRUE.equals(tx.execute(s -> store.deleteOrganization(id, clock.instant())))) {
      throw ApiException.notFound("organization");
    }
    events.publishEvent(new TenantDeleted(id, null));
  }

  @PostMapping(path = "/apps", consumes = "application/json")
  @ResponseStatus(HttpStatus.CREATED)
  App createApp(@AuthenticationPrincipal Caller.Admin admin, @RequestBody JsonNode body) {
    var name = requiredName(body);
    var id = Ids.random("app");
    var key = tx.execute(s -> {
      store.insertApp(id, admin.organizationId(), name, clock.instant());
      return store.issue(admin.organizationId(), id, clock.instant()).token();
    });
    return new App(id, name, admin.organizationId(), key);
  }

  @GetMapping("/apps")
  Map<String, List<TenantStore.Named>> apps(@AuthenticationPrincipal Caller.Admin admin) {
    return Map.of("apps", store.apps(admin.organizationId()));
  }

  @PatchMapping(path = "/apps/{id}", consumes = "application/json")
  TenantStore.Named renameApp(
      @AuthenticationPrincipal Caller.Admin admin, @PathVariable String id,
      @RequestBody JsonNode body) {
    var name = requiredName(body);
    if (!store.renameApp(admin.organizationId(), id, name)) {
      throw ApiException.notFound("app");
    }
    return store.apps(admin.organizationId()).stream().filter(a -> a.id().equals(id))
        .findFirst().orElseThrow();
  }

  /** Stops the app's ingest at once (its keys are revoked); its queued deliveries are discarded. */
  @DeleteMapping("/apps/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void deleteApp(@AuthenticationPrincipal Caller.Admin admin, @PathVariable String id) {
    if (!Boolean.TRUE.equals(
        tx.execute(s -> store.deleteApp(admin.organizationId(), id, clock.instant())))) {
      throw ApiException.notFound("app");
    }
    events.publishEvent(new TenantDeleted(admin.organizationId(), id));
  }

  @GetMapping("/keys")
  Map<String, List<TenantStore.Credential>> keys(@AuthenticationPrincipal Caller.Admin admin) {
    return Map.of("keys", store.credentials(admin.organizationId()));
  }

  /** A further admin token of the caller's organization. */
  @PostMapping("/admin-tokens")
  @ResponseStatus(HttpStatus.CREATED)
  Map<String, String> createAdminToken(@AuthenticationPrincipal Caller.Admin admin) {
    var issued = store.issue(admin.organizationId(), null, clock.instant());
    return Map.of("id", issued.id(), "adminToken", issued.token());
  }

  /** A further ingest key of one of the caller's apps. */
  @PostMapping("/apps/{id}/ingest-keys")
  @ResponseStatus(HttpStatus.CREATED)
  Map<String, String> createIngestKey(
      @AuthenticationPrincipal Caller.Admin admin, @PathVariable String id) {
    if (!store.appExists(admin.organizationId(), id)) {
      throw ApiException.notFound("app");
    }
    var issued = store.issue(admin.organizationId(), id, clock.instant());
    return Map.of("id", issued.id(), "ingestKey", issued.token());
  }

  /** Revokes a token or key at once, on every node. The last admin token cannot be revoked. */
  @DeleteMapping("/keys/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void revoke(@AuthenticationPrincipal Caller.Admin admin, @PathVariable String id) {
    var organizationId = admin.organizationId();
    tx.executeWithoutResult(s -> {
      var kind = store.credentialKind(organizationId, id)
          .orElseThrow(() -> ApiException.notFound("key"));
      if (kind.equals("admin") && store.adminTokens(organizationId) == 1) {
        throw new ApiException(HttpStatus.CONFLICT,
            "This is the organization's last admin token: create another before revoking it",
            List.of(new io.segmentrelay.system.FieldError("id", "is the last admin token")));
      }
      store.revoke(organizationId, id);
    });
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
