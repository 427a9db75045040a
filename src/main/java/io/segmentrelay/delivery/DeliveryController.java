package io.segmentrelay.delivery;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.segmentrelay.auth.Caller;
import io.segmentrelay.system.ApiException;
import io.segmentrelay.system.InputChecks;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import tools.jackson.databind.JsonNode;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The delivery log of an integration. */
@RestController
@RequestMapping(path = "/api/v1/integrations/{integrationId}", produces = "application/json")
class DeliveryController {

  private final DeliveryService service;

  DeliveryController(DeliveryService service) {
    this.service = service;
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
      String note,
      Instant createdAt,
      Instant deliveredAt) {

    /**
     * Text that is not well-formed UTF-16 cannot be written as JSON; such a value stored before
     * ingest refused it is shown with U+FFFD, so the list stays readable.
     */
    static View of(Delivery d) {
      return new View(
          d.id(), InputChecks.withoutLoneSurrogates(d.eventId()), d.messageId(), d.status().wire(),
          InputChecks.withoutLoneSurrogates(d.payload()), d.attempts(),
          d.nextAttemptAt(), d.failureReason(), d.note(), d.createdAt(), d.deliveredAt());
    }
  }

  @GetMapping("/deliveries")
  Map<String, List<View>> list(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String integrationId,
      @RequestParam(required = false) String status,
      @RequestParam(defaultValue = "50") int limit) {
    if (limit < 1 || limit > 500) {
      throw ApiException.invalid("limit", "must be 1–500");
    }
    var deliveries = service.list(admin.organizationId(), integrationId, parseStatus(status), limit);
    return Map.of("deliveries", deliveries.stream().map(View::of).toList());
  }

  @GetMapping("/deliveries/{deliveryId}")
  View get(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String integrationId,
      @PathVariable String deliveryId) {
    return View.of(service.get(admin.organizationId(), integrationId, deliveryId));
  }

  @PostMapping("/deliveries/{deliveryId}/retry")
  View retry(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String integrationId,
      @PathVariable String deliveryId) {
    return View.of(service.retry(admin.organizationId(), integrationId, deliveryId));
  }

  @PostMapping("/replay")
  Map<String, Integer> replay(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String integrationId,
      @RequestBody(required = false) JsonNode body) {
    var filter = ReplayFilter.parse(body);
    return Map.of("replayed", service.replay(admin.organizationId(), integrationId, filter));
  }

  @PostMapping("/test")
  Delivery.Attempt test(
      @AuthenticationPrincipal Caller.Admin admin, @PathVariable String integrationId) {
    return service.sendTest(admin.organizationId(), integrationId);
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
