package io.segmentrelay.inbound;

import java.time.Instant;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * An app's inbound endpoint as the admin API and the UI show it: its URLs (as reached in the
 * current request), whether a secret is set (never the secret), and the last 24 hours.
 */
public record InboundView(
    String appId, String url, String signedUrl, boolean secretSet, Instant secretCreatedAt,
    Counts last24h, Instant lastReceivedAt, String lastType) {

  static final String PATH = "/v1/segment/inbound";

  /** Messages received, and how many were applied to identities or ignored. */
  public record Counts(long received, long applied, long ignored) {}

  public static InboundView of(InboundService.Status status) {
    var counts = status.last24h();
    var url = ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString() + PATH;
    return new InboundView(status.appId(), url, url + "?appId=" + status.appId(),
        status.secretSet(), status.secretCreatedAt(),
        new Counts(counts.applied() + counts.ignored(), counts.applied(), counts.ignored()),
        counts.lastReceivedAt(), counts.lastType());
  }
}
