-- Printers (SPEC §1–2): the last good reading of each laser/label printer, and the history that
-- charts and ML read. A poll that fails or finds a foreign MAC never touches these rows, so the
-- page always shows the last good values with their age (read_at).

-- What a printer is besides the shared devices row. One row per laser_printer/label_printer.
CREATE TABLE printer_details (
    device_id       bigint PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    -- Label printers: 'ip' = polled at their own address (TCP 9100 + SNMP where it answers);
    -- 'usb' = attached to host_pc, whose reachability is the printer's state.
    connection      text NOT NULL DEFAULT 'ip' CHECK (connection IN ('ip', 'usb')),
    host_pc         text CHECK (host_pc IS NULL OR (char_length(host_pc) BETWEEN 1 AND 253
                                                    AND host_pc ~ '^[A-Za-z0-9][A-Za-z0-9.-]*$')),
    CHECK (connection = 'ip' OR host_pc IS NOT NULL),
    -- Identity and status from the last good reading.
    vendor          text NOT NULL DEFAULT '' CHECK (char_length(vendor) <= 64),
    serial          text NOT NULL DEFAULT '' CHECK (char_length(serial) <= 255),
    firmware        text NOT NULL DEFAULT '' CHECK (char_length(firmware) <= 255),
    sys_name        text NOT NULL DEFAULT '' CHECK (char_length(sys_name) <= 255),
    sys_descr       text NOT NULL DEFAULT '' CHECK (char_length(sys_descr) <= 255),
    page_count      bigint,
    device_status   smallint,            -- hrDeviceStatus 1..5
    printer_status  smallint,            -- hrPrinterStatus 1..5
    error_bits      integer NOT NULL DEFAULT 0,  -- hrPrinterDetectedErrorState, 1 << bit
    severity        text NOT NULL DEFAULT 'unknown'
                    CHECK (severity IN ('unknown', 'ok', 'warning', 'critical')),
    -- Label printers in ip mode: did TCP 9100 accept the last time.
    port_9100_open  boolean,
    -- The MAC another device answered with at our address (mac_status = mismatch).
    foreign_mac     macaddr,
    read_at         timestamptz          -- when the values above were read
);

-- One row per Printer-MIB supply, replaced as a whole by each good reading.
CREATE TABLE printer_supplies (
    device_id       bigint NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    supply_index    integer NOT NULL CHECK (supply_index >= 0),
    description     text NOT NULL DEFAULT '' CHECK (char_length(description) <= 255),
    type            smallint,            -- PrtMarkerSuppliesTypeTC (effective)
    class           text NOT NULL CHECK (class IN ('other', 'consumed', 'receptacle')),
    unit            smallint,
    max_capacity    bigint,              -- raw prtMarkerSuppliesMaxCapacity
    level           bigint,              -- raw prtMarkerSuppliesLevel
    state           text NOT NULL
                    CHECK (state IN ('percent', 'some_remaining', 'unknown', 'unlimited')),
    percent         real CHECK (percent IS NULL OR percent BETWEEN 0 AND 100),
    fullness        real CHECK (fullness IS NULL OR fullness BETWEEN 0 AND 100),
    colour          text CHECK (colour IS NULL OR colour ~ '^[a-z]{1,16}$'),
    is_toner        boolean NOT NULL DEFAULT false,
    is_receptacle   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (device_id, supply_index)
);

-- The K/C/M/Y summary: per colour, the toner with the lowest known level.
CREATE TABLE printer_colours (
    device_id       bigint NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    colour          text NOT NULL CHECK (colour IN ('black', 'cyan', 'magenta', 'yellow')),
    percent         real CHECK (percent IS NULL OR percent BETWEEN 0 AND 100),
    state           text NOT NULL
                    CHECK (state IN ('percent', 'some_remaining', 'unknown', 'unlimited')),
    supply_index    integer NOT NULL,
    name            text NOT NULL DEFAULT '' CHECK (char_length(name) <= 255),
    PRIMARY KEY (device_id, colour)
);

-- History: every poll's up/down with latency (any kind of device).
CREATE TABLE device_samples (
    device_id       bigint NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    at              timestamptz NOT NULL,
    up              boolean NOT NULL,
    latency_ms      real CHECK (latency_ms IS NULL OR latency_ms >= 0),
    PRIMARY KEY (device_id, at)
);

-- History: a supply's level, written when it changed or when the last sample is an hour old.
CREATE TABLE supply_samples (
    device_id       bigint NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    supply_index    integer NOT NULL,
    at              timestamptz NOT NULL,
    level           bigint,
    percent         real CHECK (percent IS NULL OR percent BETWEEN 0 AND 100),
    state           text NOT NULL
                    CHECK (state IN ('percent', 'some_remaining', 'unknown', 'unlimited')),
    PRIMARY KEY (device_id, supply_index, at)
);

-- The SNMP port: 161 on real devices; simulators and lab agents listen elsewhere.
ALTER TABLE devices ADD COLUMN snmp_port integer NOT NULL DEFAULT 161
    CHECK (snmp_port BETWEEN 1 AND 65535);
