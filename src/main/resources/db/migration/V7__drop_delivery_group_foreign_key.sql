-- A delivery's key to its group was checked for every delivery inserted: on PostgreSQL a per-row
-- trigger that looked up and share-locked the group row, about half the cost of inserting a
-- delivery. Deliveries are now deleted explicitly with their groups: by the retention purge, in
-- the transaction that deletes the groups, and with their integration.

ALTER TABLE deliveries DROP CONSTRAINT deliveries_group_fk;
