-- Tasks live in projects (TaskCreated v3, TaskMovedToProject). Every existing
-- version of the tasks table gains the column, so versions built before this
-- migration keep working; versions built later copy it with `LIKE`. Tasks
-- created before projects existed are in none (NULL), which is what their
-- events say.
DO $$
DECLARE
    tasks_table text;
BEGIN
    FOR tasks_table IN
        SELECT tablename FROM pg_tables
        WHERE schemaname = current_schema() AND tablename ~ '^tasks_v[0-9]+$'
    LOOP
        EXECUTE format('ALTER TABLE %I ADD COLUMN IF NOT EXISTS project_id uuid', tasks_table);
        EXECUTE format(
            'CREATE INDEX IF NOT EXISTS %I ON %I (tenant_id, project_id, created_at, task_id)',
            tasks_table || '_by_project', tasks_table);
    END LOOP;
END $$;
