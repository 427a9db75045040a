package io.segmentrelay.tenant;

import io.segmentrelay.system.ApiException;
import io.segmentrelay.system.FieldError;
import io.segmentrelay.system.Ids;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The lifecycle of organizations, apps and their credentials, for the API and the UI alike. An
 * organization may hold several admin tokens and an app several ingest keys, so either can be
 * rotated without downtime: create the new one, switch the clients over, revoke the old one.
 * Every method scoped to an organization finds nothing of another organization's.
 */
@Service
public class TenantService {

  private static final Logger log = LoggerFactory.getLogger(TenantService.class);
  private static final int MAX_NAME = 200;

  private final TenantStore store;
  private final Clock clock;
  private final TransactionTemplate tx;
  private final ApplicationEventPublisher events;

  TenantService(
      TenantStore store, Clock clock, TransactionTemplate tx, ApplicationEventPublisher events) {
    this.store = store;
    this.clock = clock;
    this.tx = tx;
    this.events = events;
  }

  /** A new organization or app and its first token or key. */
  public record Created(String id, String name, TenantStore.Issued credential) {}

  public Created createOrganization(String rawName) {
    var name = validName(rawName);
    var id = Ids.random("org");
    return tx.execute(s -> {
      store.insertOrganization(id, name, clock.instant());
      return new Created(id, name, store.issue(id, null, clock.instant()));
    });
  }

  public List<TenantStore.Named> organizations() {
    return store.organizations();
  }

  public TenantStore.Named renameOrganization(String id, String rawName) {
    var name = validName(rawName);
    if (!store.renameOrganization(id, name)) {
      throw ApiException.notFound("Organization");
    }
    return store.organization(id).orElseThrow(() -> ApiException.notFound("Organization"));
  }

  /**
   * Deletes the organization: every token and key of it stops working at once, its apps are
   * deleted, and so are its integrations with their queued deliveries (by the listeners of
   * {@link TenantDeleted}, in the same transaction).
   */
  public void deleteOrganization(String id) {
    tx.executeWithoutResult(s -> {
      if (!store.lockOrganization(id) || !store.deleteOrganization(id, clock.instant())) {
        throw ApiException.notFound("Organization");
      }
      events.publishEvent(new TenantDeleted(id, null));
    });
    log.info("Deleted organization {}", id);
  }

  /** A further admin token: the organization's own, or the operator's for a lost one. */
  public TenantStore.Issued issueAdminToken(String organizationId) {
    return tx.execute(s -> {
      if (!store.lockOrganization(organizationId)) {
        throw ApiException.notFound("Organization");
      }
      return store.issue(organizationId, null, clock.instant());
    });
  }

  public Created createApp(String organizationId, String rawName) {
    var name = validName(rawName);
    var id = Ids.random("app");
    return tx.execute(s -> {
      if (!store.lockOrganization(organizationId)) {
        throw ApiException.notFound("Organization");
      }
      store.insertApp(id, organizationId, name, clock.instant());
      return new Created(id, name, store.issue(organizationId, id, clock.instant()));
    });
  }

  public List<TenantStore.Named> apps(String organizationId) {
    return store.apps(organizationId);
  }

  public TenantStore.Named renameApp(String organizationId, String id, String rawName) {
    var name = validName(rawName);
    if (!store.renameApp(organizationId, id, name)) {
      throw ApiException.notFound("App");
    }
    return store.app(organizationId, id).orElseThrow(() -> ApiException.notFound("App"));
  }

  /**
   * Deletes the app: its ingest keys stop working at once, and its queued deliveries are
   * discarded (by the listeners of {@link TenantDeleted}, in the same transaction).
   */
  public void deleteApp(String organizationId, String id) {
    tx.executeWithoutResult(s -> {
      if (!store.lockOrganization(organizationId)
          || !store.deleteApp(organizationId, id, clock.instant())) {
        throw ApiException.notFound("App");
      }
      events.publishEvent(new TenantDeleted(organizationId, id));
    });
    log.info("Deleted app {} of organization {}", id, organizationId);
  }

  public List<TenantStore.Credential> credentials(String organizationId) {
    return store.credentials(organizationId);
  }

  /** A further ingest key of one of the organization's apps. */
  public TenantStore.Issued issueIngestKey(String organizationId, String appId) {
    return tx.execute(s -> {
      if (!store.lockOrganization(organizationId) || store.app(organizationId, appId).isEmpty()) {
        throw ApiException.notFound("App");
      }
      return store.issue(organizationId, appId, clock.instant());
    });
  }

  /**
   * Revokes a token or key: the next request with it gets a 401, on every node. The last admin
   * token cannot be revoked, or nobody could manage the organization any more.
   */
  public void revoke(String organizationId, String id) {
    tx.executeWithoutResult(s -> {
      var kind = store.lockOrganization(organizationId)
          ? store.credentialKind(organizationId, id) : java.util.Optional.<String>empty();
      if (kind.isEmpty()) {
        throw ApiException.notFound("Key");
      }
      if (kind.get().equals("admin") && store.adminTokens(organizationId) == 1) {
        throw new ApiException(HttpStatus.CONFLICT,
            "This is the organization's last admin token: create another before revoking it",
            List.of(new FieldError("id", "is the last admin token")));
      }
      store.revoke(organizationId, id);
    });
    log.info("Revoked key {} of organization {}", id, organizationId);
  }

  /** A name: required, trimmed, at most 200 characters. */
  public static String validName(String raw) {
    if (raw == null || raw.isBlank()) {
      throw ApiException.invalid("name", "is required");
    }
    var trimmed = raw.trim();
    if (trimmed.length() > MAX_NAME) {
      throw ApiException.invalid("name", "must be at most " + MAX_NAME + " characters");
    }
    return trimmed;
  }
}
