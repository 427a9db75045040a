package io.segmentrelay.web;

import io.segmentrelay.auth.Caller;
import io.segmentrelay.delivery.DeliveryService;
import io.segmentrelay.integration.IntegrationService;
import io.segmentrelay.system.ApiException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

/** An integration's detail page and what it posts: configuration, events, pause, resume, test. */
@Controller
@RequestMapping("/integrations/{id}")
class IntegrationDetailController {

  private final IntegrationService integrations;
  private final DeliveryService deliveries;
  private final DetailPage page;
  private final JsonMapper json;

  IntegrationDetailController(
      IntegrationService integrations, DeliveryService deliveries, DetailPage page, JsonMapper json) {
    this.integrations = integrations;
    this.deliveries = deliveries;
    this.page = page;
    this.json = json;
  }

  @GetMapping
  String detail(@AuthenticationPrincipal Caller.Admin admin, @PathVariable String id, Model model) {
    return page.render(model, admin.organizationId(), id);
  }

  @PostMapping("/configuration")
  String saveConfiguration(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String id,
      @ModelAttribute("config") ConfigurationForm form,
      Model model,
      RedirectAttributes redirect) {
    try {
      integrations.update(admin.organizationId(), id, form.updateBody(json));
      redirect.addFlashAttribute("notice", "Configuration saved.");
      return "redirect:/integrations/" + id;
    } catch (ApiException e) {
      model.addAttribute("config", form.withoutWriteKey());
      model.addAttribute("errors", FormErrors.of(e));
      return page.render(model, admin.organizationId(), id);
    }
  }

  @PostMapping("/events")
  String saveEvents(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String id,
      @RequestParam MultiValueMap<String, String> form,
      Model model,
      RedirectAttributes redirect) {
    try {
      integrations.update(admin.organizationId(), id, EventRow.patch(form, json));
      redirect.addFlashAttribute("notice", "Events saved.");
      return "redirect:/integrations/" + id + "#events";
    } catch (ApiException e) {
      model.addAttribute("eventRows", EventRow.submitted(form));
      model.addAttribute("customEvents", CustomEventForm.submitted(form));
      model.addAttribute("errors", FormErrors.of(e));
      return page.render(model, admin.organizationId(), id);
    }
  }

  @PostMapping("/pause")
  String pause(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String id,
      RedirectAttributes redirect) {
    integrations.pause(admin.organizationId(), id);
    redirect.addFlashAttribute("notice", "Paused. New events are held until you resume.");
    return "redirect:/integrations/" + id;
  }

  @PostMapping("/resume")
  String resume(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String id,
      @RequestParam(defaultValue = "deliver") String held,
      RedirectAttributes redirect) {
    boolean discard = held.equals("discard");
    var heldCount = deliveries.stats(admin.organizationId(), id, IntegrationListController.WINDOW).held();
    integrations.resume(admin.organizationId(), id, discard);
    redirect.addFlashAttribute("notice", "Resumed. " + heldCount + " held "
        + (heldCount == 1 ? "event " : "events ") + (discard ? "discarded." : "will be delivered now."));
    return "redirect:/integrations/" + id;
  }

  @PostMapping("/test")
  String sendTest(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String id,
      RedirectAttributes redirect) {
    redirect.addFlashAttribute("testResult", TestResult.of(deliveries.sendTest(admin.organizationId(), id)));
    return "redirect:/integrations/" + id + "#test";
  }
}
