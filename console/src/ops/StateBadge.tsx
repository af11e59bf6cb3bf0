import type { VersionState } from '../api/ops';

export function StateBadge({ state }: { state: VersionState }) {
  return <span className={`badge state-${state}`}>{state}</span>;
}
