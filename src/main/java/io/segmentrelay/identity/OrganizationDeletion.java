package io.segmentrelay.identity;

import io.segmentrelay.tenant.TenantDeleted;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Deletes the people a deleted organization knew (identity links and profile traits, which hold
 * personal data), in the transaction that deletes the organization.
 */
@Component("identityOrganizationDeletion")
class OrganizationDeletion {

  private final org.springframework.jdbc.core.simple.JdbcClient jdbc;
  private final IdentityCache cache;

  OrganizationDeletion(org.springframework.jdbc.core.simple.JdbcClient jdbc, IdentityCache cache) {
    this.jdbc = jdbc;
    this.cache = cache;
  }

  @EventListener
  void on(TenantDeleted deleted) {
    if (deleted.appId() != null) {
      return; // people belong to the organization, not to one of its apps
    }
    jdbc.sql("DELETE FROM identity_links WHERE organization_id = ?")
        .param(deleted.organizationId()).update();
    jdbc.sql("DELETE FROM profiles WHERE organization_id = ?")
        .param(deleted.organizationId()).update();
    cache.forget(deleted.organizationId());
  }
}
