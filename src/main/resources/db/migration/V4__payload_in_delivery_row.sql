-- The frozen track JSON moves into the delivery's row. It was kept apart so that claims and
-- outcomes would not rewrite it, but a delivery handed from ingest to its node's dispatcher is
-- updated once (its outcome), and below 2 KB PostgreSQL keeps the JSON in the row either way: one
-- row and one index entry per delivery instead of two of each, and no join to read it.

ALTER TABLE deliveries ADD COLUMN payload VARCHAR;
UPDATE deliveries SET payload = (SELECT p.payload FROM delivery_payloads p WHERE p.delivery_id = deliveries.id);
ALTER TABLE deliveries ALTER COLUMN payload SET NOT NULL;
DROP TABLE delivery_payloads;
