package io.segmentrelay.integration;

import io.segmentrelay.segment.SegmentEndpoints;
import io.segmentrelay.system.ApiException;
import io.segmentrelay.system.FieldError;
import io.segmentrelay.system.Ids;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Creating, changing, pausing and resuming integrations. Changes are read by ingest and delivery
 * at each event and attempt, so they take effect without a restart.
 */
@Service
public class IntegrationService {

  private final IntegrationStore store;
  private final HeldDeliveries deliveries;
  private final SegmentEndpoints endpoints;
  private final Clock clock;
  private final ApplicationEventPublisher publisher;
  private final TransactionTemplate tx;

  IntegrationService(
      IntegrationStore store,
      HeldDeliveries deliveries,
      SegmentEndpoints endpoints,
      Clock clock,
      ApplicationEventPublisher publisher,
      TransactionTemplate tx) {
    this.store = store;
    this.deliveries = deliveries;
    this.endpoints = endpoints;
    this.clock = clock;
    this.publisher = publisher;
    this.tx = tx;
  }

  /** Creates an integration from the API's create body. */
  @Transactional
  public Integration create(String organizationId, JsonNode body) {
    var errors = new ArrayList<FieldError>();
    var type = text(body, "type");
    if (!"segment".equals(type)) {
      errors.add(new FieldError("type", "must be \"segment\""));
    }
    var name = validName(text(body, "name"), errors);
    var writeKey = validWriteKey(text(body, "writeKey"), errors);
    var endpoint = validEndpoint(text(body, "endpoint"), errors);
    var events = EventSettings.defaults().merge(body.get("events"), "events", errors);
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    var id = Ids.random("int");
    var now = clock.instant();
    var integration =
        new Integration(
            id, organizationId, "segment", name, WriteKeyCipher.mask(writeKey), endpoint,
            Integration.Status.ACTIVE, events, now, now);
    store.insert(integration, writeKey);
    return integration;
  }

  /** Applies a partial update: any of name, writeKey, endpoint, events. */
  @Transactional
  public Integration update(String organizationId, String id, JsonNode body) {
    var current = get(organizationId, id);
    var errors = new ArrayList<FieldError>();
    var name = body.has("name") ? validName(text(body, "name"), errors) : current.name();
    var endpoint =
        body.has("endpoint") ? validEndpoint(text(body, "endpoint"), errors) : current.endpoint();
    var writeKey = body.has("writeKey") ? validWriteKey(text(body, "writeKey"), errors) : null;
    var events = current.events().merge(body.get("events"), "events", errors);
    if (body.has("type") && !"segment".equals(text(body, "type"))) {
      errors.add(new FieldError("type", "cannot be changed"));
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    var updated =
        new Integration(
            id, organizationId, current.type(), name, current.writeKeyMask(), endpoint,
            current.status(), events, current.createdAt(), clock.instant());
    store.update(updated);
    if (writeKey != null) {
      store.updateWriteKey(id, writeKey);
      updated = get(organizationId, id);
    }
    return updated;
  }

  public Integration get(String organizationId, String id) {
    return store.find(organizationId, id).orElseThrow(() -> ApiException.notFound("Integration"));
  }

  public List<Integration> list(String organizationId) {
    return store.list(organizationId);
  }

  @Transactional
  public void delete(String organizationId, String id) {
    if (!store.delete(organizationId, id)) {
      throw ApiException.notFound("Integration");
    }
    deliveries.deleteAll(id);
  }

  /** Pauses delivery: waiting deliveries become held, new events are held on arrival. */
  @Transactional
  public Integration pause(String organizationId, String id) {
    var current = get(organizationId, id);
    var paused = withStatus(current, Integration.Status.PAUSED);
    store.update(paused);
    deliveries.holdWaiting(id, clock.instant());
    return paused;
  }

  /** Resumes delivery, delivering held deliveries oldest first, or discarding them. */
  public Integration resume(String organizationId, String id, boolean discardHeld) {
    var resumed =
        tx.execute(
            status -> {
              var active = withStatus(get(organizationId, id), Integration.Status.ACTIVE);
              store.update(active);
              if (discardHeld) {
                deliveries.discardHeld(id, clock.instant());
              } else {
                deliveries.releaseHeld(id, clock.instant());
              }
              return active;
            });
    publisher.publishEvent(new IntegrationResumed(id));
    return resumed;
  }

  private Integration withStatus(Integration current, Integration.Status status) {
    return new Integration(
        current.id(), current.organizationId(), current.type(), current.name(),
        current.writeKeyMask(), current.endpoint(), status, current.events(),
        current.createdAt(), clock.instant());
  }

  private static String validName(String name, List<FieldError> errors) {
    var trimmed = name == null ? "" : name.trim();
    if (trimmed.isEmpty() || trimmed.length() > 200) {
      errors.add(new FieldError("name", "is required: 1–200 characters"));
    }
    return trimmed;
  }

  private static String validWriteKey(String writeKey, List<FieldError> errors) {
    if (writeKey == null || writeKey.isEmpty()) {
      errors.add(new FieldError("writeKey", "is required: paste the Write Key of your source"));
    } else if (writeKey.chars().anyMatch(Character::isWhitespace)) {
      errors.add(new FieldError("writeKey", "must not contain whitespace"));
    } else if (writeKey.length() > 200) {
      errors.add(new FieldError("writeKey", "must be at most 200 characters"));
    }
    return writeKey;
  }

  private String validEndpoint(String endpoint, List<FieldError> errors) {
    var found = endpoint == null ? null : endpoints.find(endpoint).orElse(null);
    if (found == null) {
      var allowed = endpoints.all().stream().map(SegmentEndpoints.Endpoint::url).toList();
      errors.add(new FieldError("endpoint", "must be one of " + String.join(", ", allowed)));
      return endpoint;
    }
    return found.url();
  }

  private static String text(JsonNode body, String field) {
    var node = body.get(field);
    return node != null && node.isString() ? node.asString() : null;
  }
}
