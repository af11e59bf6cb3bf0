-- Versions of each projection. A version is one consumer group, its own
-- checkpoints (projection id "<name>.v<version>") and its own tables
-- ("tasks_v2", ...). `projector rebuild` adds a 'building' version beside the
-- live one; the projectors switch the query API to it once it has caught up
-- (the old one becomes 'standby', still consumed, so `rollback` is instant)
-- until `drop` removes it. The query API serves the 'live' version.
CREATE TABLE projection_versions (
    projection text        NOT NULL,
    version    integer     NOT NULL CHECK (version >= 1),
    state      text        NOT NULL CHECK (state IN ('building', 'live', 'standby', 'dropped')),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- When it last became live / stopped being live / was dropped.
    live_since timestamptz,
    retired_at timestamptz,
    dropped_at timestamptz,
    PRIMARY KEY (projection, version)
);
-- The switch moves 'live' from one row to another in one transaction; at
-- every instant exactly one version of a projection is live.
CREATE UNIQUE INDEX projection_versions_one_live ON projection_versions (projection) WHERE state = 'live';

-- tasks_v1 and its companions are created by 0002: version 1 is live from the start.
INSERT INTO projection_versions (projection, version, state, live_since) VALUES ('tasks', 1, 'live', now());

-- Events a projection could not decode, upcast or apply, and the later events
-- of the same stream parked behind them (to keep each stream in order). The
-- checkpoint moves past them; `projector parked retry|skip` resolves them.
CREATE TABLE parked_events (
    id           bigserial   PRIMARY KEY,
    projection   text        NOT NULL,
    topic        text        NOT NULL,
    partition    integer     NOT NULL,
    "offset"     bigint      NOT NULL,
    -- The record key (the stream id), when the record has a text key.
    stream_id    text,
    error        text        NOT NULL,
    record_key   bytea,
    record_value bytea,
    -- [{"key": ..., "value": "<text>"} | {"key": ..., "value_base64": "..."}]
    headers      jsonb       NOT NULL DEFAULT '[]',
    parked_at    timestamptz NOT NULL DEFAULT now(),
    status       text        NOT NULL DEFAULT 'parked' CHECK (status IN ('parked', 'retried', 'skipped')),
    skipped_by   text,
    skip_reason  text,
    resolved_at  timestamptz,
    UNIQUE (projection, topic, partition, "offset"),
    CHECK (status <> 'skipped' OR (skipped_by IS NOT NULL AND skip_reason IS NOT NULL))
);
-- Every batch asks which streams of its partitions are parked.
CREATE INDEX parked_events_waiting ON parked_events (projection, topic, partition, stream_id, "offset")
    WHERE status = 'parked';

-- projection_skipped_records (0001) held the records an operator stepped over
-- when a bad record stopped its partition. Partitions no longer stop; the
-- table is kept, unwritten, for the audit of earlier skips.
COMMENT ON TABLE projection_skipped_records IS
    'Superseded by parked_events (skips are parked_events rows with status skipped); kept for the audit of earlier skips.';
