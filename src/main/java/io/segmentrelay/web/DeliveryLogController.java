package io.segmentrelay.web;

import io.segmentrelay.auth.Caller;
import io.segmentrelay.delivery.Delivery;
import io.segmentrelay.delivery.DeliveryService;
import io.segmentrelay.delivery.ReplayFilter;
import io.segmentrelay.integration.IntegrationService;
import io.segmentrelay.system.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

/** The delivery log: recent deliveries, one delivery's attempts and payload, retry and replay. */
@Controller
@RequestMapping("/integrations/{id}")
class DeliveryLogController {

  private static final int LIMIT = 100;

  private final IntegrationService integrations;
  private final DeliveryService deliveries;
  private final JsonMapper json;
  private final Clock clock;

  DeliveryLogController(
      IntegrationService integrations, DeliveryService deliveries, JsonMapper json, Clock clock) {
    this.integrations = integrations;
    this.deliveries = deliveries;
    this.json = json;
    this.clock = clock;
  }

  @GetMapping("/deliveries")
  String log(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String id,
      @RequestParam(required = false) String status,
      Model model) {
    var org = admin.organizationId();
    var filter = parseStatus(status);
    var rows = deliveries.list(org, id, filter, LIMIT).stream().map(d -> LogRow.of(d, json)).toList();
    model.addAttribute("integration", integrations.get(org, id));
    model.addAttribute("rows", rows);
    model.addAttribute("status", filter == null ? "" : filter.wire());
    model.addAttribute("statuses", Arrays.stream(Delivery.Status.values()).map(Delivery.Status::wire).toList());
    model.addAttribute(
        "writeKeyRejected", latestAttempted(rows).map(LogRow::writeKeyRejected).orElse(false));
    var now = clock.instant();
    model.addAttribute("replaySince", now.minus(Duration.ofHours(24)));
    model.addAttribute("replayUntil", now.plus(Duration.ofMinutes(1)));
    return "deliveries/log";
  }

  @GetMapping("/deliveries/{deliveryId}")
  String delivery(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String id,
      @PathVariable String deliveryId,
      Model model) {
    var org = admin.organizationId();
    model.addAttribute("integration", integrations.get(org, id));
    model.addAttribute("row", LogRow.of(deliveries.get(org, id, deliveryId), json));
    return "deliveries/detail";
  }

  @PostMapping("/deliveries/{deliveryId}/retry")
  String retry(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String id,
      @PathVariable String deliveryId,
      RedirectAttributes redirect) {
    try {
      deliveries.retry(admin.organizationId(), id, deliveryId);
      redirect.addFlashAttribute("notice", "Queued for delivery now, with the same messageId.");
    } catch (ApiException e) {
      if (e.status().value() != 409) {
        throw e;
      }
      redirect.addFlashAttribute("problem", e.getMessage());
    }
    return "redirect:/integrations/" + id + "/deliveries/" + deliveryId;
  }

  @PostMapping("/replay")
  String replay(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String id,
      @RequestParam(defaultValue = "") String since,
      @RequestParam(defaultValue = "") String until,
      RedirectAttributes redirect) {
    Instant from;
    Instant to;
    try {
      from = parseTime(since);
      to = parseTime(until);
    } catch (DateTimeParseException e) {
      return replayProblem(
          id, "Replay: enter the times as YYYY-MM-DD HH:MM (24-hour, UTC).", redirect);
    }
    if (from != null && to != null && !from.isBefore(to)) {
      return replayProblem(id, "Replay: the end must be after the start.", redirect);
    }
    var filter = new ReplayFilter(EnumSet.of(Delivery.Status.FAILED), from, to);
    int replayed = deliveries.replay(admin.organizationId(), id, filter);
    redirect.addFlashAttribute("notice", "Replaying " + replayed + " failed "
        + (replayed == 1 ? "delivery" : "deliveries") + ", with their original messageIds.");
    return "redirect:/integrations/" + id + "/deliveries";
  }

  /** The newest delivery that has been attempted: its outcome is the integration's current one. */
  private static Optional<LogRow> latestAttempted(List<LogRow> rows) {
    return rows.stream().filter(r -> r.lastAttempt() != null).findFirst();
  }

  private static String replayProblem(String id, String problem, RedirectAttributes redirect) {
    redirect.addFlashAttribute("problem", problem);
    return "redirect:/integrations/" + id + "/deliveries";
  }

  private static Delivery.Status parseStatus(String status) {
    if (status == null || status.isBlank()) {
      return null;
    }
    try {
      return Delivery.Status.fromWire(status);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * A time as typed, {@code 2026-05-13 14:00} (or with a {@code T}, or seconds), read as UTC; blank
   * means no bound. Plain text, not the browser's date picker, whose clock follows the browser's
   * locale (12-hour in many) while these times are 24-hour UTC.
   */
  private static Instant parseTime(String value) {
    var text = value.strip().replace(' ', 'T');
    return text.isEmpty() ? null : LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
  }
}
