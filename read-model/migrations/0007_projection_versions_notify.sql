-- Every change to projection_versions (a switch, a rebuild, a drop, a
-- projection registered, or an operator's own SQL) announces the
-- projection's name on the channel `projection_versions`, at commit, so
-- readers can cache which version is live instead of reading it per request.
CREATE FUNCTION notify_projection_versions() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('projection_versions', COALESCE(NEW.projection, OLD.projection));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER projection_versions_notify
    AFTER INSERT OR UPDATE OR DELETE ON projection_versions
    FOR EACH ROW EXECUTE FUNCTION notify_projection_versions();
