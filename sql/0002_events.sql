-- The event log (SPEC §7): every state change, control operation and security event.
-- Readers follow it by id (a cursor); LISTEN infrascope_events wakes them on insert.

CREATE TABLE events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    type        text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_]{0,63}$'),
    severity    text NOT NULL DEFAULT 'info'
                CHECK (severity IN ('debug', 'info', 'warning', 'error', 'critical')),
    -- The device's kind is kept so the event still reads well after the device is deleted.
    device_kind text CHECK (device_kind IS NULL OR device_kind ~ '^[a-z_]{1,32}$'),
    device_id   bigint REFERENCES devices (id) ON DELETE SET NULL,
    store_id    bigint REFERENCES stores (id) ON DELETE SET NULL,
    -- Who did it; the foreign key to users is added with the accounts migration.
    user_id     bigint,
    message     text NOT NULL DEFAULT '' CHECK (char_length(message) <= 4000),
    payload     jsonb NOT NULL DEFAULT '{}'::jsonb,
    trace_id    text CHECK (trace_id IS NULL OR trace_id ~ '^[0-9a-f]{32}$')
);

CREATE INDEX events_at_idx ON events (at);
CREATE INDEX events_type_idx ON events (type, id);
CREATE INDEX events_device_idx ON events (device_id, id) WHERE device_id IS NOT NULL;
CREATE INDEX events_store_idx ON events (store_id, id) WHERE store_id IS NOT NULL;
CREATE INDEX events_trace_idx ON events (trace_id) WHERE trace_id IS NOT NULL;

CREATE FUNCTION events_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('infrascope_events', NEW.id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_notify();
