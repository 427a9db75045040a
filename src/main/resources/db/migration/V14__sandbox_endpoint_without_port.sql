-- The built-in sandbox was stored with the port of the start that created it, which broke its
-- integrations when the relay moved to another port. It is now stored as itself and resolved to
-- the current port on every send.
UPDATE integrations SET endpoint = 'sandbox:' WHERE endpoint LIKE 'http://localhost:%/sandbox';
