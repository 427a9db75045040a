package io.segmentrelay.web;

import io.segmentrelay.auth.Caller;
import io.segmentrelay.delivery.DeliveryService;
import io.segmentrelay.delivery.DeliveryStats;
import io.segmentrelay.integration.Integration;
import io.segmentrelay.integration.IntegrationService;
import io.segmentrelay.segment.SegmentEndpoints;
import io.segmentrelay.system.ApiException;
import java.time.Duration;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

/** Sign-in, the Integrations page and the New integration flow (catalog, then setup). */
@Controller
class IntegrationListController {

  static final Duration WINDOW = Duration.ofHours(24);

  private final IntegrationService integrations;
  private final DeliveryService deliveries;
  private final SegmentEndpoints endpoints;
  private final JsonMapper json;

  IntegrationListController(
      IntegrationService integrations,
      DeliveryService deliveries,
      SegmentEndpoints endpoints,
      JsonMapper json) {
    this.integrations = integrations;
    this.deliveries = deliveries;
    this.endpoints = endpoints;
    this.json = json;
  }

  /** One row of the Integrations page. */
  record Row(Integration integration, Region region, DeliveryStats stats) {}

  @GetMapping("/")
  String home() {
    return "redirect:/integrations";
  }

  @GetMapping("/login")
  String login() {
    return "login";
  }

  @GetMapping("/integrations")
  String list(@AuthenticationPrincipal Caller.Admin admin, Model model) {
    var org = admin.organizationId();
    var rows =
        integrations.list(org).stream()
            .map(i -> new Row(i, Region.of(i.endpoint(), endpoints),
                deliveries.stats(org, i.id(), WINDOW)))
            .toList();
    model.addAttribute("rows", rows);
    return "integrations/list";
  }

  @GetMapping("/integrations/new")
  String catalog(@RequestParam(required = false) String category, Model model) {
    model.addAttribute("category", category);
    return "integrations/new";
  }

  @GetMapping("/integrations/new/segment")
  String setup(Model model) {
    return setupPage(model, ConfigurationForm.blank(), java.util.Map.of());
  }

  @PostMapping("/integrations")
  String create(
      @AuthenticationPrincipal Caller.Admin admin,
      @ModelAttribute ConfigurationForm form,
      Model model,
      RedirectAttributes redirect) {
    try {
      var created = integrations.create(admin.organizationId(), form.createBody(json));
      redirect.addFlashAttribute("notice", "Configuration saved. Survey events start flowing"
          + " on the next response.");
      return "redirect:/integrations/" + created.id();
    } catch (ApiException e) {
      return setupPage(model, form.withoutWriteKey(), FormErrors.of(e));
    }
  }

  private String setupPage(Model model, ConfigurationForm form, java.util.Map<String, String> errors) {
    model.addAttribute("config", form);
    model.addAttribute("errors", errors);
    model.addAttribute("endpoints", endpoints.all());
    return "integrations/setup";
  }
}
