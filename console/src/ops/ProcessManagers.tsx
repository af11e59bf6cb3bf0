import type { VersionStatus } from '../api/ops';
import { formatCount, formatEta, formatRate } from './format';
import { LagChart } from './LagChart';
import { StateBadge } from './StateBadge';
import type { LagHistory } from './useLagHistory';

/** The process managers: how far behind the log they are, and what they still have to send. */
export function ProcessManagers({ versions, history }: { versions: VersionStatus[]; history: LagHistory }) {
  return (
    <section className="panel" aria-labelledby="process-managers-title">
      <h2 id="process-managers-title">Process managers</h2>
      {versions.length === 0 ? (
        <p className="empty">No process manager runs.</p>
      ) : (
        <div className="table-scroll" role="region" aria-label="Process managers">
          <table className="stack-table">
            <thead>
              <tr>
                <th scope="col">Process manager</th>
                <th scope="col">State</th>
                <th scope="col">Lag</th>
                <th scope="col">Lag, last minutes</th>
                <th scope="col">Events/s</th>
                <th scope="col">Catch-up</th>
                <th scope="col">Pending commands</th>
                <th scope="col">Parked</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((version) => (
                <tr key={version.projection}>
                  <th scope="row">{version.projection}</th>
                  <td data-label="State">
                    <StateBadge state={version.state} />
                  </td>
                  <td data-label="Lag">{formatCount(version.lag)}</td>
                  <td data-label="Lag, last minutes">
                    <LagChart name={version.projection} samples={history[version.projection] ?? []} />
                  </td>
                  <td data-label="Events/s">{formatRate(version.events_per_second)}</td>
                  <td data-label="Catch-up">{formatEta(version.catch_up_seconds, version.lag)}</td>
                  <td data-label="Pending commands">{formatCount(version.pending_commands)}</td>
                  <td data-label="Parked">{formatCount(version.parked_events)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
