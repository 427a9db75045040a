package io.segmentrelay.tenant;

import io.segmentrelay.auth.Caller;
import io.segmentrelay.system.ApiException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
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
 * Organizations (the operator's), apps and credentials (an organization admin's, scoped to that
 * organization). Tokens and keys are returned once, when created, and stored only as hashes;
 * listings show them masked.
 */
@RestController
@RequestMapping(path = "/api/v1", produces = "application/json")
class TenantController {

  private final TenantService tenants;

  TenantController(TenantService tenants) {
    this.tenants = tenants;
  }

  record Organization(String id, String name, String adminToken) {}

  record App(String id, String name, String organizationId, String ingestKey) {}

  record Organizations(List<TenantStore.Named> organizations) {}

  record Apps(List<TenantStore.Named> apps) {}

  record Keys(List<TenantStore.Credential> keys) {}

  record AdminToken(String id, String adminToken) {}

  record IngestKey(String id, String appId, String ingestKey) {}

  @PostMapping(path = "/organizations", consumes = "application/json")
  @ResponseStatus(HttpStatus.CREATED)
  Organization createOrganization(@RequestBody JsonNode body) {
    var created = tenants.createOrganization(name(body));
    return new Organization(created.id(), created.name(), created.credential().token());
  }

  @GetMapping("/organizations")
  Organizations organizations() {
    return new Organizations(tenants.organizations());
  }

  @PatchMapping(path = "/organizations/{id}", consumes = "application/json")
  TenantStore.Named renameOrganization(@PathVariable String id, @RequestBody JsonNode body) {
    return tenants.renameOrganization(id, name(body));
  }

  @DeleteMapping("/organizations/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void deleteOrganization(@PathVariable String id) {
    tenants.deleteOrganization(id);
  }

  /** The operator's way back in for an organization whose admin tokens are all lost. */
  @PostMapping("/organizations/{id}/admin-tokens")
  @ResponseStatus(HttpStatus.CREATED)
  AdminToken issueAdminTokenFor(@PathVariable String id) {
    var issued = tenants.issueAdminToken(id);
    return new AdminToken(issued.id(), issued.token());
  }

  @PostMapping(path = "/apps", consumes = "application/json")
  @ResponseStatus(HttpStatus.CREATED)
  App createApp(@AuthenticationPrincipal Caller.Admin admin, @RequestBody JsonNode body) {
    var created = tenants.createApp(admin.organizationId(), name(body));
    return new App(
        created.id(), created.name(), admin.organizationId(), created.credential().token());
  }

  @GetMapping("/apps")
  Apps apps(@AuthenticationPrincipal Caller.Admin admin) {
    return new Apps(tenants.apps(admin.organizationId()));
  }

  @PatchMapping(path = "/apps/{id}", consumes = "application/json")
  TenantStore.Named renameApp(
      @AuthenticationPrincipal Caller.Admin admin, @PathVariable String id,
      @RequestBody JsonNode body) {
    return tenants.renameApp(admin.organizationId(), id, name(body));
  }

  @DeleteMapping("/apps/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void deleteApp(@AuthenticationPrincipal Caller.Admin admin, @PathVariable String id) {
    tenants.deleteApp(admin.organizationId(), id);
  }

  /** The organization's admin tokens and its apps' ingest keys, masked. */
  @GetMapping("/keys")
  Keys keys(@AuthenticationPrincipal Caller.Admin admin) {
    return new Keys(tenants.credentials(admin.organizationId()));
  }

  @PostMapping("/admin-tokens")
  @ResponseStatus(HttpStatus.CREATED)
  AdminToken createAdminToken(@AuthenticationPrincipal Caller.Admin admin) {
    var issued = tenants.issueAdminToken(admin.organizationId());
    return new AdminToken(issued.id(), issued.token());
  }

  @PostMapping("/apps/{id}/ingest-keys")
  @ResponseStatus(HttpStatus.CREATED)
  IngestKey createIngestKey(@AuthenticationPrincipal Caller.Admin admin, @PathVariable String id) {
    var issued = tenants.issueIngestKey(admin.organizationId(), id);
    return new IngestKey(issued.id(), id, issued.token());
  }

  @DeleteMapping("/keys/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void revoke(@AuthenticationPrincipal Caller.Admin admin, @PathVariable String id) {
    tenants.revoke(admin.organizationId(), id);
  }

  private static String name(JsonNode body) {
    var name = body == null ? null : body.get("name");
    if (name == null || !name.isString() || name.asString().isBlank()) {
      throw ApiException.invalid("name", "is required: a non-empty string");
    }
    return TenantService.validName(name.asString());
  }
}
