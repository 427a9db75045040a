package io.segmentrelay.auth;

import java.util.Optional;

/** Who a token belongs to, by the token's hash. The tenant store implements it. */
public interface Callers {

  /** The organization whose admin token this is. */
  Optional<String> findOrganizationByAdminTokenHash(String hash);

  /** The app whose ingest key this is. */
  Optional<Caller.App> findAppByIngestKeyHash(String hash);
}
