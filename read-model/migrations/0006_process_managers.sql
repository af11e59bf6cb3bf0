-- Process managers: workflows that span aggregates. Each runs as a
-- projection (its state in versioned tables, its checkpoints and parked
-- events like any projection's) whose effect is the commands it decides to
-- send. Deciding a command inserts it here, in the same transaction as the
-- checkpoint that consumed its cause, so a command is decided exactly once;
-- the dispatcher then delivers it to the command API with its idempotency
-- key, so a delivery repeated after a crash takes effect once.
CREATE TABLE process_manager_commands (
    id               bigserial   PRIMARY KEY,
    process_manager  text        NOT NULL,
    -- Derived from the triggering event's id and the target stream's id.
    idempotency_key  text        NOT NULL,
    tenant_id        text        NOT NULL,
    -- The target: the aggregate's topic name (`tasks`), stream and command.
    aggregate        text        NOT NULL,
    stream_id        uuid        NOT NULL,
    command          text        NOT NULL,
    body             jsonb       NOT NULL,
    -- Sent as If-Match: the stream's version the decision was taken on, so
    -- a decision on a stale view is refused (412) rather than applied.
    expected_version bigint,
    cause_event_id   uuid        NOT NULL,
    status           text        NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'done', 'refused')),
    attempts         integer     NOT NULL DEFAULT 0,
    -- The command API's last answer (status code) and error, if any.
    last_status      integer,
    last_error       text,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    done_at          timestamptz,
    -- Rebuilding a process manager decides the same commands again: they
    -- are already here, and are not sent twice.
    UNIQUE (process_manager, idempotency_key)
);
CREATE INDEX process_manager_commands_due ON process_manager_commands (next_attempt_at, id)
    WHERE status = 'pending';

-- Process manager project_archival.v1: archiving a project archives its
-- open tasks; a task that joins an archived project is moved back out (see
-- docs/process-managers.md).
CREATE TABLE project_archival_projects_v1 (
    project_id  uuid        PRIMARY KEY,
    -- NULL while the project is known only from a task naming it.
    tenant_id   text,
    -- When it was archived (the event's time); NULL while it is not.
    archived_at timestamptz,
    -- 0 while the project is known only from a task naming it.
    version     bigint      NOT NULL DEFAULT 0
);
CREATE TABLE project_archival_tasks_v1 (
    task_id    uuid        PRIMARY KEY,
    tenant_id  text        NOT NULL,
    project_id uuid,
    status     text        NOT NULL,
    version    bigint      NOT NULL,
    -- When it joined its project (the event's time), and the project it
    -- was in before (where a compensation moves it back to).
    joined_at  timestamptz,
    came_from  uuid
);
CREATE INDEX project_archival_tasks_v1_by_project ON project_archival_tasks_v1 (project_id, status);

INSERT INTO projection_versions (projection, version, state, live_since) VALUES ('project_archival', 1, 'live', now());
