-- Nothing to do on SQLite: its immediate transaction is the chain's lock, and the head is
-- read in the same transaction. The PostgreSQL migration of the same name adds a function
-- that takes the chain's lock and reads its head in one round trip.
SELECT 1;
