package io.segmentrelay.auth;

import java.io.Serializable;

/** Who is calling, as resolved from a bearer token or a signed-in session. */
public sealed interface Caller extends Serializable {

  /** The operator: creates, lists, renames and deletes organizations. */
  record Operator() implements Caller {}

  /** An organization's admin: manages that organization's apps and integrations. */
  record Admin(String organizationId) implements Caller {}

  /** The platform, sending events for one app. */
  record App(String appId, String organizationId) implements Caller {}
}
