import { describeError } from '../api/http';
import { Notice } from '../ui/Notice';
import type { TaskWriter } from './useTaskWriter';

/** The last write: saving, saved, refused — and a conflict never passes silently. */
export function WriteStatus({ writer }: { writer: TaskWriter }) {
  const label = writer.action?.label ?? 'Your change';
  if (writer.pending) {
    return <p className="write-status" role="status">Saving: {label}…</p>;
  }
  if (writer.conflict) {
    return (
      <Notice
        tone="error"
        title="Changed by someone else"
        actions={
          <>
            <button type="button" onClick={() => void writer.reload()}>
              Reload
            </button>
          </>
        }
      >
        {label} was not saved: the task changed after you loaded it (in another tab, or by someone
        else). Reload to see its current state, then try again if it still makes sense.
      </Notice>
    );
  }
  if (writer.error) {
    return (
      <Notice
        tone="error"
        title="Not saved"
        actions={
          <>
            <button type="button" onClick={writer.retry}>
              Try again
            </button>
            <button type="button" className="secondary" onClick={writer.dismiss}>
              Dismiss
            </button>
          </>
        }
      >
        {label}: {describeError(writer.error)}
      </Notice>
    );
  }
  if (writer.succeeded) {
    return <p className="write-status" role="status">Saved: {label}.</p>;
  }
  return <p className="write-status" role="status" />;
}
