import { useState } from 'react';
import { describeError } from '../api/http';
import { dropVersion, rebuild, rollback, type RebuildStarted, type VersionStatus } from '../api/ops';
import { usePlatform } from '../platform';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { Notice } from '../ui/Notice';
import { formatCount, formatEta, formatRate } from './format';
import { LagChart } from './LagChart';
import { Partitions } from './Partitions';
import { StateBadge } from './StateBadge';
import type { LagHistory } from './useLagHistory';
import { useOpsAction } from './useOps';

type Pending =
  | { action: 'rebuild'; name: string }
  | { action: 'rollback'; name: string }
  | { action: 'drop'; name: string; version: number; force?: boolean };

type Done = { text: string } & Pending;

/** Every version of every projection, with rebuild, rollback and drop. */
export function Projections({
  versions,
  starting,
  history,
}: {
  versions: VersionStatus[];
  starting: string[];
  history: LagHistory;
}) {
  const { config, token } = usePlatform();
  const [confirm, setConfirm] = useState<Pending | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const action = useOpsAction(async (pending: Pending): Promise<Done> => {
    const projector = config.projector_url;
    switch (pending.action) {
      case 'rebuild': {
        const started: RebuildStarted = await rebuild(projector, token, pending.name);
        return {
          ...pending,
          text: `Rebuild of ${pending.name} started: version ${started.version} is building${
            started.live !== null && started.live !== undefined ? ` (version ${started.live} stays live until it catches up)` : ''
          }.`,
        };
      }
      case 'rollback':
        await rollback(projector, token, pending.name);
        return { ...pending, text: `${pending.name} rolled back to its previous version.` };
      case 'drop':
        await dropVersion(projector, token, pending.name, pending.version, pending.force ?? false);
        return { ...pending, text: `${pending.name} version ${pending.version} dropped.` };
    }
  });

  const names = [...new Set(versions.map((version) => version.name))].sort();

  const run = (pending: Pending) => {
    setConfirm(null);
    setDone(null);
    action.mutate(pending, { onSuccess: setDone });
  };

  return (
    <section className="panel" aria-labelledby="projections-title">
      <h2 id="projections-title">Projections</h2>
      {action.isPending && <p role="status">Working…</p>}
      {action.isError && (
        <Notice tone="error" title="The projector refused">
          {describeError(action.error)}
        </Notice>
      )}
      {done && !action.isPending && <Notice tone="success">{done.text}</Notice>}
      {starting.length > 0 && (
        <p className="hint" role="status">
          Starting: {starting.join(', ')}
        </p>
      )}
      {names.length === 0 && <p className="empty">The projector reports no projections yet.</p>}
      {names.map((name) => {
        const ofName = versions
          .filter((version) => version.name === name)
          .sort((a, b) => b.version - a.version);
        const live = ofName.find((version) => version.role === 'live');
        const building = ofName.some((version) => version.role === 'building');
        return (
          <article key={name} className="projection" aria-labelledby={`projection-${name}`}>
            <div className="projection-head">
              <h3 id={`projection-${name}`}>{name}</h3>
              <div className="actions">
                <button
                  type="button"
                  onClick={() => setConfirm({ action: 'rebuild', name })}
                  disabled={action.isPending || building}
                  title={building ? 'A rebuild is already building' : undefined}
                >
                  Rebuild {name}
                </button>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => setConfirm({ action: 'rollback', name })}
                  disabled={action.isPending || ofName.length < 2}
                >
                  Roll back {name}
                </button>
              </div>
            </div>
            <div className="table-scroll" role="region" aria-label={`Versions of ${name}`}>
              <table className="stack-table">
                <thead>
                  <tr>
                    <th scope="col">Version</th>
                    <th scope="col">State</th>
                    <th scope="col">Lag</th>
                    <th scope="col">Lag, last minutes</th>
                    <th scope="col">Events/s</th>
                    <th scope="col">Catch-up</th>
                    <th scope="col">Parked</th>
                    <th scope="col">Partitions</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {ofName.map((version) => (
                    <tr key={version.projection} data-projection={version.projection}>
                      <th scope="row">
                        {version.projection}
                        {version.serving && <span className="badge serving">serving</span>}
                      </th>
                      <td data-label="State">
                        <StateBadge state={version.state} />
                        {version.role !== version.state && <span className="hint"> ({version.role})</span>}
                      </td>
                      <td data-label="Lag">{formatCount(version.lag)}</td>
                      <td data-label="Lag, last minutes">
                        <LagChart name={version.projection} samples={history[version.projection] ?? []} />
                      </td>
                      <td data-label="Events/s">{formatRate(version.events_per_second)}</td>
                      <td data-label="Catch-up">{formatEta(version.catch_up_seconds, version.lag)}</td>
                      <td data-label="Parked">{formatCount(version.parked_events)}</td>
                      <td data-label="Partitions">
                        <Partitions partitions={version.partitions} label={version.projection} />
                      </td>
                      <td data-label="Actions">
                        <button
                          type="button"
                          className="danger secondary"
                          disabled={action.isPending || version.role === 'live' || version === live}
                          onClick={() => setConfirm({ action: 'drop', name, version: version.version })}
                          aria-label={`Drop ${version.projection}`}
                          title={version.role === 'live' ? 'The live version cannot be dropped' : undefined}
                        >
                          Drop
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </article>
        );
      })}
      {confirm && (
        <Confirmation pending={confirm} onCancel={() => setConfirm(null)} onConfirm={(pending) => run(pending)} />
      )}
    </section>
  );
}

function Confirmation({
  pending,
  onConfirm,
  onCancel,
}: {
  pending: Pending;
  onConfirm: (pending: Pending) => void;
  onCancel: () => void;
}) {
  const [force, setForce] = useState(false);
  const confirm = () => onConfirm(pending.action === 'drop' ? { ...pending, force } : pending);
  switch (pending.action) {
    case 'rebuild':
      return (
        <ConfirmDialog title={`Rebuild ${pending.name}?`} confirmLabel="Start the rebuild" onConfirm={confirm} onCancel={onCancel}>
          <p>
            A new version of {pending.name} is built from the start of the log beside the live one. The
            query API switches to it once it has caught up; until then the live version keeps serving.
          </p>
        </ConfirmDialog>
      );
    case 'rollback':
      return (
        <ConfirmDialog title={`Roll back ${pending.name}?`} confirmLabel="Roll back" danger onConfirm={confirm} onCancel={onCancel}>
          <p>The query API goes back to serving the previous version of {pending.name}.</p>
        </ConfirmDialog>
      );
    case 'drop':
      return (
        <ConfirmDialog
          title={`Drop ${pending.name} version ${pending.version}?`}
          confirmLabel="Drop it"
          danger
          onConfirm={confirm}
          onCancel={onCancel}
        >
          <p>Its tables are deleted. It cannot be rolled back to afterwards.</p>
          <label className="check">
            <input type="checkbox" checked={force} onChange={(event) => setForce(event.target.checked)} />
            Drop even if it stopped serving less than 30 s ago (queries that started before the switch may
            still be reading it)
          </label>
        </ConfirmDialog>
      );
  }
}
