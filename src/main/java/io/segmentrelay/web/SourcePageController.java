package io.segmentrelay.web;

import io.segmentrelay.auth.Caller;
import io.segmentrelay.inbound.InboundService;
import io.segmentrelay.inbound.InboundView;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The "Segment as a source" page of an app: the inbound URL, its secret and what arrived. A new
 * secret is shown in the answer to the POST that made it, never stored in the session, and the
 * page is not cached.
 */
@Controller
@RequestMapping("/apps/{appId}/source")
class SourcePageController {

  private final InboundService inbound;

  SourcePageController(InboundService inbound) {
    this.inbound = inbound;
  }

  @GetMapping
  String page(
      @AuthenticationPrincipal Caller.Admin admin, @PathVariable String appId, Model model) {
    return render(admin, appId, model);
  }

  @PostMapping("/secret")
  String rotate(
      @AuthenticationPrincipal Caller.Admin admin,
      @PathVariable String appId,
      Model model,
      HttpServletResponse response) {
    var secret = inbound.rotateSecret(admin.organizationId(), appId);
    response.setHeader("Cache-Control", "no-store");
    model.addAttribute("newSecret", secret);
    model.addAttribute("notice", "New secret created. Copy it now: it is not shown again.");
    return render(admin, appId, model);
  }

  private String render(Caller.Admin admin, String appId, Model model) {
    var status = inbound.status(admin.organizationId(), appId);
    model.addAttribute("app", status);
    model.addAttribute("inbound", InboundView.of(status));
    return "apps/source";
  }
}
