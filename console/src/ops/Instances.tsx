import { ApiError, describeError } from '../api/http';
import { useInstances } from './useOps';

/** The command API instances and the partitions each one owns (and so writes). */
export function Instances() {
  const instances = useInstances(true);
  return (
    <section className="panel" aria-labelledby="instances-title">
      <h2 id="instances-title">Command API instances</h2>
      {instances.isPending && <p role="status">Loading the instances…</p>}
      {instances.isError && (
        <p className="field-error" role="alert">
          {instances.error instanceof ApiError && instances.error.status === 404
            ? 'This command API does not report its instances yet (no GET /v1/instances).'
            : describeError(instances.error)}
        </p>
      )}
      {instances.isSuccess && instances.data.length === 0 && (
        <p className="empty">No instance owns a partition right now.</p>
      )}
      {instances.isSuccess && instances.data.length > 0 && (
        <ul className="instances">
          {instances.data.map((instance) => (
            <li key={instance.url}>
              <strong>{instance.url}</strong>
              <dl className="facts">
                {Object.entries(instance.partitions).map(([topic, partitions]) => (
                  <div key={topic} className="fact">
                    <dt>{topic}</dt>
                    <dd>{partitions.length ? `partitions ${partitions.join(', ')}` : 'no partitions'}</dd>
                  </div>
                ))}
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
