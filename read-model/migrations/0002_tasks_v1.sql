-- Read models of the projection tasks.v1. Every table carries the projection
-- version in its name, so tasks.v2 can be built beside it and swapped in.

-- The current state of every task.
CREATE TABLE tasks_v1 (
    task_id          uuid        PRIMARY KEY,
    tenant_id        text        NOT NULL,
    title            text        NOT NULL,
    -- Word-prefix title search (`q`) without an extension.
    title_search     tsvector    GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED,
    description      text,
    priority         text        NOT NULL,
    due_date         date,
    assignee         text,
    tags             text[]      NOT NULL,
    status           text        NOT NULL,
    version          bigint      NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    completed_at     timestamptz,
    -- Where the task's last applied event sits in the log.
    source_partition integer     NOT NULL,
    source_offset    bigint      NOT NULL
);

-- Listing is keyset-paginated on (created_at, task_id) within a tenant; each
-- filter gets an index that still yields that order.
CREATE INDEX tasks_v1_by_tenant   ON tasks_v1 (tenant_id, created_at, task_id);
CREATE INDEX tasks_v1_by_status   ON tasks_v1 (tenant_id, status, created_at, task_id);
CREATE INDEX tasks_v1_by_assignee ON tasks_v1 (tenant_id, assignee, created_at, task_id);
CREATE INDEX tasks_v1_by_priority ON tasks_v1 (tenant_id, priority, created_at, task_id);
CREATE INDEX tasks_v1_by_due_date ON tasks_v1 (tenant_id, due_date);
CREATE INDEX tasks_v1_tags        ON tasks_v1 USING gin (tags);
CREATE INDEX tasks_v1_title       ON tasks_v1 USING gin (title_search);

-- Every event of every task: the audit trail. One row per event, idempotent on event_id.
CREATE TABLE task_history_v1 (
    event_id         uuid        PRIMARY KEY,
    task_id          uuid        NOT NULL,
    tenant_id        text        NOT NULL,
    version          bigint      NOT NULL,
    event_type       text        NOT NULL,
    -- The event's data upcast to the current schema version ...
    schema_version   integer     NOT NULL,
    data             jsonb       NOT NULL,
    -- ... and the version it was written with.
    recorded_schema_version integer NOT NULL,
    occurred_at      timestamptz NOT NULL,
    command_id       text        NOT NULL,
    correlation_id   text        NOT NULL,
    causation_id     text        NOT NULL,
    actor            text        NOT NULL,
    source_partition integer     NOT NULL,
    source_offset    bigint      NOT NULL
);
CREATE INDEX task_history_v1_by_task ON task_history_v1 (task_id, version);

-- Tasks by status per tenant. One row per source partition, so that workers
-- owning different partitions never contend on the same row; readers sum.
CREATE TABLE task_stats_v1 (
    tenant_id        text    NOT NULL,
    status           text    NOT NULL,
    source_partition integer NOT NULL,
    task_count       bigint  NOT NULL,
    PRIMARY KEY (tenant_id, status, source_partition)
);

-- TaskCompleted events per tenant and UTC day of occurrence, split the same way.
CREATE TABLE task_daily_completions_v1 (
    tenant_id        text    NOT NULL,
    day              date    NOT NULL,
    source_partition integer NOT NULL,
    completions      bigint  NOT NULL,
    PRIMARY KEY (tenant_id, day, source_partition)
);
