-- Tasks (SPEC §4 "poll ... all (as a task)", §8 the tasks page): work an operator starts from a
-- page or the API that outlives the request. The web app inserts the row (queued) and spawns
-- batch/infrascope-task ID, which claims it (running, with its pid and host), reports progress
-- and finishes it (done with a result summary, or failed with the error). Cron runs
-- infrascope-task --drain every minute: it starts queued tasks whose start was lost and fails
-- running tasks whose process died (pid gone on its host, or no heartbeat).
CREATE TABLE tasks (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('poll_all')),
    -- What the task covers; an absent key means all. poll_all: {"store": CODE, "kind": KIND},
    -- the store's code as stored (so one store is one scope however it was typed).
    scope           jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(scope) = 'object'),
    state           text NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'running', 'done', 'failed')),
    progress_done   integer NOT NULL DEFAULT 0 CHECK (progress_done >= 0),
    progress_total  integer NOT NULL DEFAULT 0 CHECK (progress_total >= 0),
    -- What the task is doing when it is not counting devices ("waiting for ...").
    progress_note   text CHECK (char_length(progress_note) <= 500),
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    -- The heartbeat: every change touches it, and a running task touches it every 30 s.
    updated_at      timestamptz NOT NULL DEFAULT now(),
    pid             integer CHECK (pid IS NULL OR pid > 0),
    host            text CHECK (host IS NULL OR char_length(host) <= 255),
    -- poll_all: {"devices","polled","online","offline","errors","skipped","moved",
    -- "mac_mismatches","duration_ms","poll_run_id"}.
    result          jsonb CHECK (result IS NULL OR jsonb_typeof(result) = 'object'),
    error           text CHECK (char_length(error) <= 2000),
    requested_by    bigint REFERENCES users (id) ON DELETE SET NULL,
    trace_id        text CHECK (trace_id IS NULL OR trace_id ~ '^[0-9a-f]{32}$'),
    CHECK (kind <> 'poll_all' OR (
        (scope - 'store' - 'kind') = '{}'::jsonb
        AND coalesce(jsonb_typeof(scope -> 'store'), 'string') = 'string'
        AND coalesce(scope ->> 'kind', 'laser_printer') IN ('laser_printer', 'label_printer'))),
    CHECK (state = 'queued' OR started_at IS NOT NULL OR state = 'failed'),
    CHECK (state <> 'running' OR pid IS NOT NULL),
    CHECK ((state IN ('done', 'failed')) = (finished_at IS NOT NULL))
);

-- At most one queued or running task of a kind per scope: of two POSTs at the same moment one
-- inserts, the other hits this index and answers 409 with the first one's id.
CREATE UNIQUE INDEX tasks_active_scope_key ON tasks (kind, scope)
    WHERE state IN ('queued', 'running');
CREATE INDEX tasks_state_idx ON tasks (state, id);

CREATE TRIGGER tasks_updated_at BEFORE UPDATE ON tasks
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
