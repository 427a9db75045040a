package io.segmentrelay.web;

import io.segmentrelay.auth.Caller;
import io.segmentrelay.system.ApiException;
import io.segmentrelay.tenant.TenantService;
import io.segmentrelay.tenant.TenantStore;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The "Apps and keys" page: the organization's apps with their ingest keys, and its admin tokens.
 * A new key or token is shown once, right after it is created; afterwards only its mask.
 */
@Controller
class AppsController {

  private final TenantService tenants;

  AppsController(TenantService tenants) {
    this.tenants = tenants;
  }

  /** An app with its ingest keys, as the page shows it. */
  record AppRow(TenantStore.Named app, List<TenantStore.Credential> keys) {}

  /** A token or key just created, shown once. */
  record Issued(String label, String token) {}

  @GetMapping("/apps")
  String page(@AuthenticationPrincipal Caller.Admin admin, Model model) {
    var org = admin.organizationId();
    var keys = tenants.credentials(org);
    var apps = tenants.apps(org).stream()
        .map(a -> new AppRow(a, keys.stream().filter(k -> a.id().equals(k.appId())).toList()))
        .toList();
    model.addAttribute("apps", apps);
    model.addAttribute("adminTokens", keys.stream().filter(k -> k.appId() == null).toList());
    return "apps/list";
  }

  @PostMapping("/apps")
  String create(@AuthenticationPrincipal Caller.Admin admin, @RequestParam(required = false)
      String name, RedirectAttributes redirect) {
    return act(redirect, () -> {
      var created = tenants.createApp(admin.organizationId(), name);
      redirect.addFlashAttribute("issued",
          new Issued("Ingest key of " + created.name(), created.credential().token()));
      return "App " + created.name() + " created.";
    });
  }

  @PostMapping("/apps/{id}/name")
  String rename(@AuthenticationPrincipal Caller.Admin admin, @PathVariable String id,
      @RequestParam(required = false) String name, RedirectAttributes redirect) {
    return act(redirect, () -> "Renamed to " + tenants.renameApp(admin.organizationId(), id, name)
        .name() + ".");
  }

  @PostMapping("/apps/{id}/delete")
  String delete(@AuthenticationPrincipal Caller.Admin admin, @PathVariable String id,
      RedirectAttributes redirect) {
    return act(redirect, () -> {
      tenants.deleteApp(admin.organizationId(), id);
      return "App deleted: its ingest keys no longer work, and its queued events were discarded.";
    });
  }

  @PostMapping("/apps/{id}/keys")
  String createKey(@AuthenticationPrincipal Caller.Admin admin, @PathVariable String id,
      RedirectAttributes redirect) {
    return act(redirect, () -> {
      var issued = tenants.issueIngestKey(admin.organizationId(), id);
      redirect.addFlashAttribute("issued", new Issued("New ingest key", issued.token()));
      return "Ingest key created. Switch your platform over to it, then revoke the old one.";
    });
  }

  @PostMapping("/admin-tokens")
  String createAdminToken(@AuthenticationPrincipal Caller.Admin admin,
      RedirectAttributes redirect) {
    return act(redirect, () -> {
      var issued = tenants.issueAdminToken(admin.organizationId());
      redirect.addFlashAttribute("issued", new Issued("New admin token", issued.token()));
      return "Admin token created.";
    });
  }

  @PostMapping("/keys/{id}/revoke")
  String revoke(@AuthenticationPrincipal Caller.Admin admin, @PathVariable String id,
      RedirectAttributes redirect) {
    return act(redirect, () -> {
      tenants.revoke(admin.organizationId(), id);
      return "Revoked: it no longer works.";
    });
  }

  /** Runs an action and comes back to the page with its notice, or with the problem it met. */
  private static String act(RedirectAttributes redirect, Supplier<String> action) {
    try {
      redirect.addFlashAttribute("notice", action.get());
    } catch (ApiException e) {
      redirect.addFlashAttribute("problem", e.getMessage());
    }
    return "redirect:/apps";
  }
}
