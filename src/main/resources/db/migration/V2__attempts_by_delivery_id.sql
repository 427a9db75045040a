-- Attempts refer to their delivery by its id, not its seq: a delivery handed from ingest straight
-- to this node's dispatcher is known by the id the relay gave it, before the database assigns seq.

ALTER TABLE delivery_attempts ADD COLUMN delivery_id VARCHAR(40);
UPDATE delivery_attempts SET delivery_id = (SELECT d.id FROM deliveries d WHERE d.seq = delivery_attempts.delivery_seq);
ALTER TABLE delivery_attempts ALTER COLUMN delivery_id SET NOT NULL;
DROP INDEX delivery_attempts_delivery;
ALTER TABLE delivery_attempts DROP COLUMN delivery_seq;
ALTER TABLE delivery_attempts ADD CONSTRAINT delivery_attempts_delivery_fk
  FOREIGN KEY (delivery_id) REFERENCES deliveries (id) ON DELETE CASCADE;
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, attempt_no);
