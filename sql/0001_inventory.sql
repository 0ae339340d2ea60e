-- Stores and devices (SPEC §1). A device's kind-specific data lives in side tables that later
-- migrations add; this table holds what every kind shares.

CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

CREATE TABLE stores (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Short unique code such as MSK-014 (Latin or Cyrillic letters, digits, '.', '_', '-').
    code        text NOT NULL UNIQUE
                CHECK (code ~ '^[0-9A-Za-zА-Яа-яЁё][0-9A-Za-zА-Яа-яЁё._-]{0,31}$'),
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    -- Where the store's devices live: used by discovery and by IP rediscovery.
    subnets     cidr[] NOT NULL DEFAULT '{}',
    notes       text NOT NULL DEFAULT '' CHECK (char_length(notes) <= 4000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER stores_updated_at BEFORE UPDATE ON stores
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE devices (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('laser_printer', 'label_printer', 'iconbit',
                                                  'nettop', 'twix', 'switch')),
    store_id        bigint REFERENCES stores (id) ON DELETE SET NULL,
    name            text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    model           text NOT NULL DEFAULT '' CHECK (char_length(model) <= 200),
    -- IPv4 address, or a host name for nettops; NULL for a USB label printer.
    address         text CHECK (address IS NULL OR (char_length(address) BETWEEN 1 AND 253
                                                    AND address ~ '^[A-Za-z0-9][A-Za-z0-9.-]*$')),
    mac             macaddr,
    mac_status      text NOT NULL DEFAULT 'unknown'
                    CHECK (mac_status IN ('verified', 'mismatch', 'unknown')),
    snmp_version    text NOT NULL DEFAULT '2c' CHECK (snmp_version IN ('1', '2c')),
    -- Encrypted by the application (AES-256-GCM, DEVICE_SECRET_KEY); never returned by the API.
    snmp_community  bytea,
    state           text NOT NULL DEFAULT 'unknown'
                    CHECK (state IN ('unknown', 'online', 'pending_offline', 'offline')),
    last_polled_at  timestamptz,
    last_seen_at    timestamptz,
    last_error      text CHECK (char_length(last_error) <= 2000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Two devices never share an address (the original let two printers overwrite each other).
CREATE UNIQUE INDEX devices_address_key ON devices (lower(address)) WHERE address IS NOT NULL;
CREATE INDEX devices_store_idx ON devices (store_id);
CREATE INDEX devices_kind_state_idx ON devices (kind, state);
CREATE INDEX devices_mac_idx ON devices (mac) WHERE mac IS NOT NULL;

CREATE TRIGGER devices_updated_at BEFORE UPDATE ON devices
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
