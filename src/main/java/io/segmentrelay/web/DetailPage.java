package io.segmentrelay.web;

import io.segmentrelay.delivery.DeliveryService;
import io.segmentrelay.delivery.DeliveryStats;
import io.segmentrelay.inbound.InboundService;
import io.segmentrelay.integration.IntegrationService;
import io.segmentrelay.segment.SegmentEndpoints;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

/**
 * Fills the model of an integration's detail page: the integration, its region, 24-hour stats and
 * chart, and the configuration and events forms, unless a failed save already put its own.
 */
@Component
class DetailPage {

  private final IntegrationService integrations;
  private final DeliveryService deliveries;
  private final SegmentEndpoints endpoints;
  private final Format format;
  private final InboundService inbound;

  DetailPage(
      IntegrationService integrations,
      DeliveryService deliveries,
      SegmentEndpoints endpoints,
      Format format,
      InboundService inbound) {
    this.integrations = integrations;
    this.deliveries = deliveries;
    this.endpoints = endpoints;
    this.format = format;
    this.inbound = inbound;
  }

  String render(Model model, String organizationId, String integrationId) {
    var integration = integrations.get(organizationId, integrationId);
    var stats = deliveries.stats(organizationId, integrationId, IntegrationListController.WINDOW);
    model.addAttribute("integration", integration);
    model.addAttribute("region", Region.of(integration.endpoint(), endpoints));
    model.addAttribute("stats", stats);
    model.addAttribute("chart", HourlyChart.of(stats.hourly(), format));
    model.addAttribute("writeKeyRejected", writeKeyRejected(stats.lastError()));
    model.addAttribute("endpoints", endpoints.all());
    model.addAttribute("sourceApps", inbound.apps(organizationId));
    if (!model.containsAttribute("config")) {
      model.addAttribute("config", ConfigurationForm.of(integration));
    }
    if (!model.containsAttribute("eventRows")) {
      model.addAttribute("eventRows", EventRow.of(integration.events()));
    }
    if (!model.containsAttribute("customEvents")) {
      model.addAttribute("customEvents", CustomEventForm.of(integration.events().custom()));
    }
    if (!model.containsAttribute("errors")) {
      model.addAttribute("errors", Map.of());
    }
    @SuppressWarnings("unchecked")
    var errors = (Map<String, String>) model.getAttribute("errors");
    model.addAttribute("customEventsError", CustomEventForm.error(errors));
    return "integrations/detail";
  }

  /**
   * Whether Segment answered with a permanent 4xx, which almost always means the write key does
   * not belong to the source (or region) being looked at. 408 and 429 are retried, not rejected.
   */
  static boolean writeKeyRejected(Integer httpStatus) {
    return httpStatus != null && httpStatus >= 400 && httpStatus < 500
        && httpStatus != 408 && httpStatus != 429;
  }

  private static boolean writeKeyRejected(DeliveryStats.LastError lastError) {
    return lastError != null && writeKeyRejected(lastError.httpStatus());
  }
}
