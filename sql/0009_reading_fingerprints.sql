-- A poll-all rewrites only what changed (docs/PERFORMANCE.md). Toner moves slowly: most polls
-- of most printers read exactly what is stored, so the poller compares a fingerprint of the
-- new reading with the stored one and sends nothing when they are equal.
--   details_fingerprint   identity and status (vendor … port_9100_open) of the stored reading;
--   supplies_fingerprint  its supplies and colour summary;
--   sampled_at            when every supply was last written to supply_samples: the history
--                         gets a supply's level when it changes, and all of them at least hourly.
-- NULL means "unknown": the next good reading writes everything. The fingerprints are a cache
-- of the rows beside them, written in the same transaction; nothing else reads them.
ALTER TABLE printer_details
    ADD COLUMN details_fingerprint  bigint,
    ADD COLUMN supplies_fingerprint bigint,
    ADD COLUMN sampled_at           timestamptz;

-- When a device's values were last read (any kind): it moves with every good reading even when
-- nothing else does, so it lives in the devices row that every poll updates anyway.
ALTER TABLE devices ADD COLUMN last_read_at timestamptz;
UPDATE devices d SET last_read_at = p.read_at FROM printer_details p
 WHERE p.device_id = d.id AND p.read_at IS NOT NULL;
ALTER TABLE printer_details DROP COLUMN read_at;
