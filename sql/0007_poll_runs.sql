-- Poll-all runs (infrascope-poll --all): when each started and ended and what it found. The
-- advisory lock says whether one runs; this table says since when, for the message a second
-- start prints, and keeps the summaries for the operations page and the metrics.
CREATE TABLE poll_runs (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    pid          integer NOT NULL,
    host         text NOT NULL DEFAULT '' CHECK (char_length(host) <= 255),
    scope        jsonb NOT NULL DEFAULT '{}'::jsonb,
    status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    devices      integer,
    polled       integer,
    up           integer,
    down         integer,
    errors       integer,
    skipped      integer,
    moved        integer,
    duration_ms  integer,
    message      text CHECK (char_length(message) <= 2000),
    trace_id     text CHECK (trace_id IS NULL OR trace_id ~ '^[0-9a-f]{32}$')
);
CREATE INDEX poll_runs_started_idx ON poll_runs (started_at);
