-- What the relay changed in a track call to make it sendable (e.g. traits trimmed to fit
-- Segment's 32 KB limit), shown in the delivery log.
ALTER TABLE deliveries ADD COLUMN note VARCHAR(500);
