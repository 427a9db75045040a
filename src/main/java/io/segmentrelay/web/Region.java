package io.segmentrelay.web;

import io.segmentrelay.segment.SegmentEndpoints;
import java.net.URI;

/**
 * Where an integration's events go, as the pages name it: Segment's Global or EU region, an
 * operator-allowed Segment-compatible endpoint, or the built-in sandbox.
 *
 * @param name {@code Global}, {@code EU}, {@code Operator-allowed}, {@code Sandbox} or {@code Not
 *     allowed} (an endpoint the operator has since removed)
 * @param host the endpoint's host (and port), for the fine print
 */
record Region(String name, String host) {

  static Region of(String url, SegmentEndpoints endpoints) {
    var endpoint = endpoints.find(url);
    var host = SegmentEndpoints.SANDBOX.equals(url) ? "this relay's /sandbox" : host(url);
    if (endpoint.isEmpty()) {
      return new Region("Not allowed", host);
    }
    if (!endpoint.get().extra()) {
      return new Region(SegmentEndpoints.isEu(url) ? "EU" : "Global", host);
    }
    var sandbox = endpoint.get().url().equals(SegmentEndpoints.SANDBOX);
    return new Region(sandbox ? "Sandbox" : "Operator-allowed", host);
  }

  public boolean eu() {
    return name.equals("EU");
  }

  /** A CSS modifier for the region badge. */
  public String tone() {
    return switch (name) {
      case "Global", "EU" -> "info";
      case "Not allowed" -> "danger";
      default -> "neutral";
    };
  }

  private static String host(String url) {
    try {
      var authority = URI.create(url).getAuthority();
      return authority == null ? url : authority;
    } catch (IllegalArgumentException e) {
      return url;
    }
  }
}
