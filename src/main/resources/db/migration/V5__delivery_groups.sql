-- The queue becomes one row per group of deliveries: the deliveries of one ingest request to one
-- integration share a row in delivery_groups, which holds their state (status, attempts, lease,
-- retry time, the attempt that delivered them). Claims, leases and outcomes update one group row
-- instead of every delivery's row. Deliveries whose outcomes part ways (a batch split after a 400,
-- a preflight refusal, a retry of one delivery) are moved into a group of their own.
--
-- A delivery's row is written once at ingest, with its frozen payload, and only changes group.
-- Existing deliveries each become a group of one, with the same id.

CREATE TABLE delivery_groups (
  id                  VARCHAR(40)  PRIMARY KEY,
  integration_id      VARCHAR(40)  NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  size                INTEGER      NOT NULL,
  status              VARCHAR(12)  NOT NULL,
  attempt_count       INTEGER      NOT NULL DEFAULT 0,
  next_attempt_at     TIMESTAMP WITH TIME ZONE,
  lease_owner         VARCHAR(100),
  lease_expires_at    TIMESTAMP WITH TIME ZONE,
  failure_reason      VARCHAR(1000),
  created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at          TIMESTAMP WITH TIME ZONE NOT NULL,
  delivered_at        TIMESTAMP WITH TIME ZONE,
  success_at          TIMESTAMP WITH TIME ZONE,
  success_duration_ms BIGINT,
  success_http_status INTEGER,
  success_response    VARCHAR(1100)
);

INSERT INTO delivery_groups (id, integration_id, size, status, attempt_count, next_attempt_at,
    lease_owner, lease_expires_at, failure_reason, created_at, updated_at, delivered_at, success_at,
    success_duration_ms, success_http_status, success_response)
  SELECT id, integration_id, 1, status, attempt_count, next_attempt_at, lease_owner,
    lease_expires_at, failure_reason, created_at, updated_at, delivered_at, success_at,
    success_duration_ms, success_http_status, success_response
  FROM deliveries;

-- Claiming and sleeping: an integration's due groups in order (ids are time-ordered). Reclaiming
-- and retention: groups by status and lease expiry.
CREATE INDEX delivery_groups_claim ON delivery_groups (integration_id, status, next_attempt_at, id);
CREATE INDEX delivery_groups_lease ON delivery_groups (status, lease_expires_at);

ALTER TABLE deliveries ADD COLUMN group_id VARCHAR(40);
UPDATE deliveries SET group_id = id;
ALTER TABLE deliveries ALTER COLUMN group_id SET NOT NULL;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_group_fk
  FOREIGN KEY (group_id) REFERENCES delivery_groups (id) ON DELETE CASCADE;
CREATE INDEX deliveries_group ON deliveries (group_id);

ALTER TABLE deliveries ADD COLUMN payload VARCHAR;
UPDATE deliveries SET payload = (SELECT p.payload FROM delivery_payloads p WHERE p.delivery_id = deliveries.id);
ALTER TABLE deliveries ALTER COLUMN payload SET NOT NULL;
DROP TABLE delivery_payloads;

DROP INDEX deliveries_claim;
DROP INDEX deliveries_lease;
ALTER TABLE deliveries DROP COLUMN status;
ALTER TABLE deliveries DROP COLUMN attempt_count;
ALTER TABLE deliveries DROP COLUMN next_attempt_at;
ALTER TABLE deliveries DROP COLUMN lease_owner;
ALTER TABLE deliveries DROP COLUMN lease_expires_at;
ALTER TABLE deliveries DROP COLUMN failure_reason;
ALTER TABLE deliveries DROP COLUMN updated_at;
ALTER TABLE deliveries DROP COLUMN delivered_at;
ALTER TABLE deliveries DROP COLUMN success_at;
ALTER TABLE deliveries DROP COLUMN success_duration_ms;
ALTER TABLE deliveries DROP COLUMN success_http_status;
ALTER TABLE deliveries DROP COLUMN success_response;
