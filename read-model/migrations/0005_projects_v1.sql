-- Read models of the projection projects.v1, a cross-aggregate projection:
-- it reads events.projects and events.tasks. Like every projection, each
-- table carries the version in its name so projects.v2 can be built beside it.

-- The current state of every project.
CREATE TABLE projects_v1 (
    project_id       uuid        PRIMARY KEY,
    tenant_id        text        NOT NULL,
    name             text        NOT NULL,
    description      text,
    status           text        NOT NULL,
    -- Subjects, in the order they were added.
    members          text[]      NOT NULL,
    version          bigint      NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    archived_at      timestamptz,
    source_partition integer     NOT NULL,
    source_offset    bigint      NOT NULL
);
-- Listing is keyset-paginated on (created_at, project_id) within a tenant.
CREATE INDEX projects_v1_by_tenant ON projects_v1 (tenant_id, created_at, project_id);
CREATE INDEX projects_v1_by_status ON projects_v1 (tenant_id, status, created_at, project_id);

-- Every event of every project: the audit trail, idempotent on event_id.
CREATE TABLE project_history_v1 (
    event_id         uuid        PRIMARY KEY,
    project_id       uuid        NOT NULL,
    tenant_id        text        NOT NULL,
    version          bigint      NOT NULL,
    event_type       text        NOT NULL,
    schema_version   integer     NOT NULL,
    data             jsonb       NOT NULL,
    recorded_schema_version integer NOT NULL,
    occurred_at      timestamptz NOT NULL,
    command_id       text        NOT NULL,
    correlation_id   text        NOT NULL,
    causation_id     text        NOT NULL,
    actor            text        NOT NULL,
    source_partition integer     NOT NULL,
    source_offset    bigint      NOT NULL
);
CREATE INDEX project_history_v1_by_project ON project_history_v1 (project_id, version);

-- Every task as this projection folds it from events.tasks: only what the
-- per-project counts need. A task counts in a project only when both belong
-- to the same tenant (the query joins on tenant_id too).
CREATE TABLE project_tasks_v1 (
    task_id          uuid        PRIMARY KEY,
    tenant_id        text        NOT NULL,
    project_id       uuid,
    status           text        NOT NULL,
    version          bigint      NOT NULL
);
CREATE INDEX project_tasks_v1_by_project ON project_tasks_v1 (tenant_id, project_id, status);

INSERT INTO projection_versions (projection, version, state, live_since) VALUES ('projects', 1, 'live', now());
