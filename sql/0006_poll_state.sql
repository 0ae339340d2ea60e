-- The poll state machine's memory per device (lib/resilience.h): consecutive failures and the
-- circuit breaker. The device's shown state stays in devices.state. Rows untouched for
-- POLL_RESILIENCE_STATE_TTL_SECONDS count as fresh (the poller resets them when it reads them).
CREATE TABLE device_poll_state (
    device_id   bigint PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    failures    integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    circuit     text NOT NULL DEFAULT 'closed' CHECK (circuit IN ('closed', 'open', 'half_open')),
    opened_at   timestamptz,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
