package io.segmentrelay.integration;

/** Published after a resume commits: the integration's held deliveries are due. */
public record IntegrationResumed(String integrationId) {}
