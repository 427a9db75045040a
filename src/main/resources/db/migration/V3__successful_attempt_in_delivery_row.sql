-- The attempt that delivered a delivery is kept in the delivery's own row, written by the same
-- update that marks it delivered: a delivery that succeeds at once needs no attempt row. Attempts
-- that did not deliver (failures, retries, a batch split after a 400) stay rows of
-- delivery_attempts. A replay moves the kept attempt into delivery_attempts before sending again.

ALTER TABLE deliveries ADD COLUMN success_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE deliveries ADD COLUMN success_duration_ms BIGINT;
ALTER TABLE deliveries ADD COLUMN success_http_status INTEGER;
ALTER TABLE deliveries ADD COLUMN success_response VARCHAR(1100);
