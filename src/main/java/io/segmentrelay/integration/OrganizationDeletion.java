package io.segmentrelay.integration;

import io.segmentrelay.tenant.TenantDeleted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Deletes the integrations of a deleted organization, with their deliveries and delivery log, in
 * the transaction that deletes the organization: nothing of it is sent any more.
 */
@Component("integrationOrganizationDeletion")
class OrganizationDeletion {

  private static final Logger log = LoggerFactory.getLogger(OrganizationDeletion.class);

  private final IntegrationStore store;
  private final HeldDeliveries deliveries;

  OrganizationDeletion(IntegrationStore store, HeldDeliveries deliveries) {
    this.store = store;
    this.deliveries = deliveries;
  }

  @EventListener
  void on(TenantDeleted deleted) {
    if (deleted.appId() != null) {
      return;
    }
    var integrations = store.list(deleted.organizationId());
    for (var integration : integrations) {
      store.delete(deleted.organizationId(), integration.id());
      deliveries.deleteAll(integration.id());
    }
    log.info("Deleted the {} integrations of deleted organization {}", integrations.size(),
        deleted.organizationId());
  }
}
