import { describeError } from '../api/http';
import { useHistory } from './useBoard';

/** The task's audit trail: every event, who caused it and when. */
export function TaskHistory({ taskId, version }: { taskId: string; version: number }) {
  const history = useHistory(taskId);
  const items = history.data?.body.items ?? [];
  // The history may be a read behind the board; it catches up on the next read.
  const latest = items[items.length - 1]?.version ?? 0;
  const behind = items.length > 0 && latest < version;
  // Or ahead of the board: someone changed the task since the board was read.
  const ahead = latest > version;

  return (
    <section className="history" aria-labelledby="history-title">
      <h3 id="history-title">History</h3>
      {history.isPending && <p role="status">Loading the history…</p>}
      {history.isError && <p className="field-error" role="alert">{describeError(history.error)}</p>}
      {history.data?.freshness === 'stale' && (
        <p className="hint" role="status">This history may not show the latest change yet (stale read).</p>
      )}
      {behind && (
        <button type="button" className="link" onClick={() => void history.refetch()}>
          Load the latest events
        </button>
      )}
      {ahead && (
        <p className="hint" role="status">
          The history has version {latest}, newer than the board's {version}: the task changed since the
          board was loaded. Refresh the board before changing it.
        </p>
      )}
      {history.isSuccess && items.length === 0 && <p className="empty">No events yet.</p>}
      {items.length > 0 && (
        <ol className="events" aria-label="Events, oldest first">
          {items.map((entry) => (
            <li key={entry.event_id}>
              <div className="event-head">
                <span className="event-type">{entry.event_type}</span>
                <span className="hint">v{entry.version}</span>
              </div>
              <div className="hint">
                <time dateTime={entry.occurred_at}>{new Date(entry.occurred_at).toLocaleString()}</time>{' '}
                by {entry.actor}
              </div>
              {hasFields(entry.data) && <pre className="payload">{JSON.stringify(entry.data, null, 1)}</pre>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function hasFields(data: unknown): boolean {
  return typeof data === 'object' && data !== null && Object.keys(data).length > 0;
}
