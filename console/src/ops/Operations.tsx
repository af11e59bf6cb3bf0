import { ApiError } from '../api/http';
import { ErrorText } from '../ui/ErrorText';
import { isKnown, type VersionStatus } from '../api/ops';
import { useSession } from '../auth/session';
import { Notice } from '../ui/Notice';
import { Instances } from './Instances';
import { ParkedEvents } from './ParkedEvents';
import { ProcessManagers } from './ProcessManagers';
import { Projections } from './Projections';
import { useLagHistory } from './useLagHistory';
import { useProjections } from './useOps';

export function Operations() {
  const { scopes } = useSession();
  const projections = useProjections();
  const history = useLagHistory(projections.data);
  const refused = projections.error instanceof ApiError && projections.error.isForbidden;
  const allowed = projections.isSuccess;

  const versions: VersionStatus[] = (projections.data?.projections ?? []).filter(isKnown);
  const starting = (projections.data?.projections ?? []).filter((entry) => !isKnown(entry));

  return (
    <section className="operations" aria-labelledby="ops-title">
      <div className="page-head">
        <h1 id="ops-title">Operations</h1>
        {projections.data?.taken_at && (
          <p className="hint" role="status" aria-live="off">
            Status of{' '}
            <time dateTime={projections.data.taken_at}>
              {new Date(projections.data.taken_at).toLocaleTimeString()}
            </time>
            , refreshed every 2 s
          </p>
        )}
      </div>
      {refused && (
        <Notice tone="error" title="Not allowed">
          The operations pages need the <code>ops:admin</code> scope. Your token has{' '}
          {scopes.length ? scopes.map((scope) => <code key={scope}>{scope} </code>) : 'no scopes'}. Ask
          for a token with <code>ops:admin</code>, then sign in again.
        </Notice>
      )}
      {projections.isError && !refused && (
        <Notice tone="error" title="Cannot read the projector's status">
          <ErrorText error={projections.error} />
        </Notice>
      )}
      {projections.isPending && <p role="status">Loading the projections…</p>}
      {allowed && (
        <>
          <Projections
            versions={versions.filter((version) => version.kind === 'projection')}
            starting={starting.map((entry) => entry.projection)}
            history={history}
          />
          <ProcessManagers
            versions={versions.filter((version) => version.kind === 'process_manager')}
            history={history}
          />
          <ParkedEvents />
          <Instances />
        </>
      )}
    </section>
  );
}
