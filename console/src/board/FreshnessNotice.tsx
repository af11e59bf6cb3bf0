import { Notice } from '../ui/Notice';
import type { Column } from './useBoard';

/** Says when the query API answered before its projection had the latest writes. */
export function FreshnessNotice({ columns, onRefresh }: { columns: Column[]; onRefresh: () => void }) {
  const freshness = columns.map((column) => column.freshness);
  if (freshness.includes('stale')) {
    return (
      <Notice
        tone="warning"
        title="The board may be behind"
        actions={
          <button type="button" className="secondary" onClick={onRefresh}>
            Refresh
          </button>
        }
      >
        The query API answered (stale) before its read model reached your latest change. It will show
        up shortly; refresh in a moment.
      </Notice>
    );
  }
  if (freshness.includes('parked')) {
    return (
      <Notice tone="warning" title="A change of yours is parked">
        The projection could not apply one of your changes and parked it, so the board does not show
        it. An operator can retry or skip it on the Operations page.
      </Notice>
    );
  }
  return null;
}
