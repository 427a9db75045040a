package io.segmentrelay.auth;

/** Who is calling, as resolved from a bearer token. */
public sealed interface Caller {

  /** The operator: creates organizations. */
  record Operator() implements Caller {}

  /** An organization's admin: manages that organization's apps and integrations. */
  record Admin(String organizationId) implements Caller {}

  /** The platform, sending events for one app. */
  record App(String appId, String organizationId) implements Caller {}
}
