-- Every accepted event wrote an entry to this index, read only by the hourly retention purge.
-- The purge now walks events in seq order, which follows their acceptance, through the primary
-- key instead.

DROP INDEX events_accepted;
