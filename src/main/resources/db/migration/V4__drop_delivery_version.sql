-- Nothing reads a delivery's version any more: outcomes are matched by lease owner, which a
-- reclaim changes, and a handed-over delivery is never read back. Every update bumped it for
-- nothing.

ALTER TABLE deliveries DROP COLUMN version;
