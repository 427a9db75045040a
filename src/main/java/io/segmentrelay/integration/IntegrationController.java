package io.segmentrelay.integration;

import io.segmentrelay.auth.Caller;
import io.segmentrelay.system.ApiException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/** The integrations management API. Another organization's integration is a 404. */
@RestController
@RequestMapping(path = "/api/v1/integrations", produces = "application/json")
class IntegrationController {

  private final IntegrationService service;
  private final HeldDeliveries deliveries;

  IntegrationController(IntegrationService service, HeldDeliveries deliveries) {
    this.service = service;
    this.deliveries = deliveries;
  }

  /** The integration as the API shows it: write key masked, held count included. */
  record View(
      String id,
      String type,
      String name,
      String endpoint,
      String writeKey,
      String status,
      long heldCount,
      Map<String, EventSettings.Setting> events,
      Instant createdAt,
      Instant updatedAt) {}

  @GetMapping
  Map<String, List<View>> list(@AuthenticationPrincipal Caller.Admin admin) {
    var views = service.list(admin.organizationId()).stream().map(this::view).toList();
    return Map.of("integrations", views);
  }

  @PostMapping(consumes = "application/json")
  @ResponseStatus(HttpStatus.CREATED)
  View create(@AuthenticationPrincipal Caller.Admin admin, @RequestBody JsonNode body) {
    return view(service.create(admin.organizationId(), requireObject(body)));
  }

  @GetMapping("/{id}")
  View get(@AuthenticationPrincipal Caller.Admin admin, @PathVariable String id) {
    return view(service.get(admin.organizationId(), id));
  }

  @PatchMapping(path = "/{id}", consumes = "application/json")
  View update(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String id,
      @RequestBody JsonNode body) {
    return view(service.update(admin.organizationId(), id, requireObject(body)));
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void delete(@AuthenticationPrincipal Caller.Admin admin, @PathVariable String id) {
    service.delete(admin.organizationId(), id);
  }

  @PostMapping("/{id}/pause")
  View pause(@AuthenticationPrincipal Caller.Admin admin, @PathVariable String id) {
    return view(service.pause(admin.organizationId(), id));
  }

  @PostMapping("/{id}/resume")
  View resume(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String id,
      @RequestBody(required = false) JsonNode body) {
    var held = body == null || body.get("held") == null ? "deliver" : body.get("held").asString();
    if (!held.equals("deliver") && !held.equals("discard")) {
      throw ApiException.invalid("held", "must be \"deliver\" or \"discard\"");
    }
    return view(service.resume(admin.organizationId(), id, held.equals("discard")));
  }

  private View view(Integration i) {
    var events = new LinkedHashMap<String, EventSettings.Setting>();
    i.events().settings().forEach((event, setting) -> events.put(event.key(), setting));
    return new View(
        i.id(), i.type(), i.name(), i.endpoint(), i.writeKeyMask(), i.status().wire(),
        deliveries.countHeld(i.id()), events, i.createdAt(), i.updatedAt());
  }

  static JsonNode requireObject(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ApiException.invalid("body", "must be a JSON object");
    }
    return body;
  }
}
