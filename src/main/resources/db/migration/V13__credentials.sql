-- Admin tokens and ingest keys, several per organization or app so that one can be rotated
-- without downtime. Stored as SHA-256 hashes and shown masked; revoking one deletes its row.
CREATE TABLE credentials (
  id              VARCHAR(40) PRIMARY KEY,
  kind            VARCHAR(10) NOT NULL,
  organization_id VARCHAR(40) NOT NULL REFERENCES organizations (id),
  app_id          VARCHAR(40) REFERENCES apps (id),
  token_hash      VARCHAR(64) NOT NULL UNIQUE,
  mask            VARCHAR(20) NOT NULL,
  created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  last_used_at    TIMESTAMP WITH TIME ZONE
);
CREATE INDEX credentials_owner ON credentials (organization_id, app_id);

INSERT INTO credentials (id, kind, organization_id, app_id, token_hash, mask, created_at)
  SELECT 'key_' || id, 'admin', id, NULL, admin_token_hash, 'sra_…', created_at FROM organizations;
INSERT INTO credentials (id, kind, organization_id, app_id, token_hash, mask, created_at)
  SELECT 'key_' || id, 'ingest', organization_id, id, ingest_key_hash, 'sri_…', created_at FROM apps;
ALTER TABLE organizations DROP COLUMN admin_token_hash;
ALTER TABLE apps DROP COLUMN ingest_key_hash;

-- Deleted organizations and apps stay as the owners of their past deliveries' log.
ALTER TABLE organizations ADD COLUMN deleted_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE apps ADD COLUMN deleted_at TIMESTAMP WITH TIME ZONE;
