package io.segmentrelay.tenant;

/**
 * Published inside the transaction that deletes an organization or an app (its credentials are
 * already revoked), so that what belongs to it elsewhere stops in the same commit. Listeners run
 * synchronously, in that transaction; should one fail, nothing is deleted.
 *
 * @param appId the deleted app; null when the whole organization was deleted
 */
public record TenantDeleted(String organizationId, String appId) {}
