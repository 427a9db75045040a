package io.segmentrelay.tenant;

/**
 * Published after an organization or an app was deleted (its credentials are already revoked), so
 * that what belongs to it elsewhere stops too.
 *
 * @param appId the deleted app; null when the whole organization was deleted
 */
public record TenantDeleted(String organizationId, String appId) {}
