package io.segmentrelay.delivery;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.segmentrelay.auth.Caller;
import io.segmentrelay.integration.IntegrationService;
import io.segmentrelay.system.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import tools.jackson.databind.JsonNode;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The delivery log of an integration (M, L6). */
@RestController
@RequestMapping(path = "/api/v1/integrations/{integrationId}", produces = "application/json")
class DeliveryController {

  private final IntegrationService integrations;
  static final Set<Delivery.Status> REPLAYABLE =
      EnumSet.of(Delivery.Status.FAILED, Delivery.Status.DELIVERED, Delivery.Status.DISCARDED);

  private final DeliveryStore store;
  private final DeliveryWorker worker;
  private final ApplicationEventPublisher publisher;
  private final Clock clock;

  DeliveryController(
      IntegrationService integrations,
      DeliveryStore store,
      DeliveryWorker worker,
      ApplicationEventPublisher publisher,
      Clock clock) {
    this.integrations = integrations;
    this.store = store;
    this.worker = worker;
    this.publisher = publisher;
    this.clock = clock;
  }

  /** A delivery as the API shows it; {@code payload} is the frozen track JSON itself. */
  record View(
      String id,
      String eventId,
      String messageId,
      String status,
      @JsonRawValue String payload,
      List<Delivery.Attempt> attempts,
      Instant nextAttemptAt,
      String failureReason,
      Instant createdAt,
      Instant deliveredAt) {

    static View of(Delivery d) {
      return new View(
          d.id(), d.eventId(), d.messageId(), d.status().wire(), d.payload(), d.attempts(),
          d.nextAttemptAt(), d.failureReason(), d.createdAt(), d.deliveredAt());
    }
  }

  @GetMapping("/deliveries")
  Map<String, List<View>> list(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String integrationId,
      @RequestParam(required = false) String status,
      @RequestParam(defaultValue = "50") int limit) {
    integrations.get(admin.organizationId(), integrationId);
    if (limit < 1 || limit > 500) {
      throw ApiException.invalid("limit", "must be 1–500");
    }
    var deliveries = store.list(integrationId, parseStatus(status), limit);
    return Map.of("deliveries", deliveries.stream().map(View::of).toList());
  }

  @GetMapping("/deliveries/{deliveryId}")
  View get(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String integrationId,
      @PathVariable String deliveryId) {
    integrations.get(admin.organizationId(), integrationId);
    return store.find(integrationId, deliveryId)
        .map(View::of)
        .orElseThrow(() -> ApiException.notFound("Delivery"));
  }

  @PostMapping("/deliveries/{deliveryId}/retry")
  View retry(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String integrationId,
      @PathVariable String deliveryId) {
    var integration = integrations.get(admin.organizationId(), integrationId);
    var delivery =
        store.find(integrationId, deliveryId).orElseThrow(() -> ApiException.notFound("Delivery"));
    if (!REPLAYABLE.contains(delivery.status())) {
      throw ApiException.conflict(
          "Only failed, delivered or discarded deliveries can be retried; this one is "
              + delivery.status().wire());
    }
    store.requeue(integrationId, REPLAYABLE, deliveryId, null, null, integration.paused(),
        clock.instant());
    publisher.publishEvent(new DeliveriesReady());
    return View.of(store.find(integrationId, deliveryId).orElseThrow());
  }

  @PostMapping("/replay")
  Map<String, Integer> replay(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String integrationId,
      @RequestBody(required = false) JsonNode body) {
    var integration = integrations.get(admin.organizationId(), integrationId);
    var filter = ReplayFilter.parse(body);
    int replayed =
        store.requeue(integrationId, filter.statuses(), null, filter.since(), filter.until(),
            integration.paused(), clock.instant());
    if (replayed > 0) {
      publisher.publishEvent(new DeliveriesReady());
    }
    return Map.of("replayed", replayed);
  }

  @PostMapping("/test")
  Delivery.Attempt test(
      @AuthenticationPrincipal Caller.Admin admin, @PathVariable String integrationId) {
    return worker.sendTest(integrations.get(admin.organizationId(), integrationId));
  }

  static Delivery.Status parseStatus(String status) {
    if (status == null || status.isBlank()) {
      return null;
    }
    try {
      return Delivery.Status.fromWire(status);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(
          "status", "must be one of pending, held, in_flight, delivered, failed, discarded");
    }
  }
}
