package io.segmentrelay.sandbox;

import java.util.Locale;
import java.util.Optional;

/** The Segment endpoints the sandbox serves: two batch paths and one path per call type. */
enum RequestKind {

  /** {@code /v1/batch}, and {@code /b} where the Kotlin and Swift libraries post. */
  BATCH(null),

  /** {@code /v1/import}: same shape as batch; where analytics-java posts. */
  IMPORT(null),

  /** {@code /v1/track}: a single call as the whole body; the path implies its type. */
  TRACK("track"),
  IDENTIFY("identify"),
  PAGE("page"),
  SCREEN("screen"),
  GROUP("group"),
  ALIAS("alias");

  private final String type;

  RequestKind(String type) {
    this.type = type;
  }

  /** Whether the body is one call rather than {@code {"batch":[...]}}. */
  boolean single() {
    return type != null;
  }

  /** The call type a single-call path implies, or null for the batch paths. */
  String type() {
    return type;
  }

  /**
   * The kind named by the last segment of a path: {@code batch}, {@code import}, a call type such
   * as {@code track}, or the first letter analytics.js posts to ({@code b}, {@code t}, {@code i},
   * {@code p}, {@code s}, {@code g}, {@code a}).
   */
  static Optional<RequestKind> find(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.empty();
    }
    if (name.equals("b")) {
      return Optional.of(BATCH);
    }
    for (RequestKind kind : values()) {
      String full = kind.name().toLowerCase(Locale.ROOT);
      if (full.equals(name) || (kind.single() && name.length() == 1 && full.startsWith(name))) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  static RequestKind of(String kind) {
    return find(kind)
        .orElseThrow(() -> new IllegalArgumentException("unknown sandbox endpoint kind: " + kind));
  }
}
