import { useState, type FormEvent } from 'react';
import { describeError } from '../api/http';
import { retryParked, skipParked, type ParkedEvent, type ResolveOutcome } from '../api/ops';
import { useSession } from '../auth/session';
import { usePlatform } from '../platform';
import { Notice } from '../ui/Notice';
import { useOpsAction, useParked } from './useOps';

type Resolution = { kind: 'retry'; id: number } | { kind: 'skip'; id: number; by: string; reason: string };

/** Events a projection could not apply: what failed, on what, and retry or skip. */
export function ParkedEvents() {
  const { config, token } = usePlatform();
  const parked = useParked(true);
  const [outcome, setOutcome] = useState<{ resolution: Resolution; result: ResolveOutcome } | null>(null);
  const resolve = useOpsAction((resolution: Resolution) =>
    resolution.kind === 'retry'
      ? retryParked(config.projector_url, token, resolution.id)
      : skipParked(config.projector_url, token, resolution.id, resolution.by, resolution.reason),
  );
  const run = (resolution: Resolution) => {
    setOutcome(null);
    resolve.mutate(resolution, { onSuccess: (result) => setOutcome({ resolution, result }) });
  };

  return (
    <section className="panel" aria-labelledby="parked-title">
      <h2 id="parked-title">Parked events</h2>
      {resolve.isPending && <p role="status">Working…</p>}
      {resolve.isError && (
        <Notice tone="error" title="The projector refused">
          {describeError(resolve.error)}
        </Notice>
      )}
      {outcome && <OutcomeNotice resolution={outcome.resolution} result={outcome.result} />}
      {parked.isPending && <p role="status">Loading the parked events…</p>}
      {parked.isError && (
        <p className="field-error" role="alert">
          {describeError(parked.error)}
        </p>
      )}
      {parked.isSuccess && parked.data.length === 0 && (
        <p className="empty">No parked events: every projection applied everything it read.</p>
      )}
      {parked.isSuccess && parked.data.length > 0 && (
        <ul className="parked">
          {parked.data.map((event) => (
            <ParkedItem key={event.id} event={event} busy={resolve.isPending} onResolve={run} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ParkedItem({
  event,
  busy,
  onResolve,
}: {
  event: ParkedEvent;
  busy: boolean;
  onResolve: (resolution: Resolution) => void;
}) {
  const { claims } = useSession();
  const [by, setBy] = useState(claims?.sub ?? '');
  const [reason, setReason] = useState('');
  const label = `parked event ${event.id}`;
  const titleId = `parked-${event.id}`;

  const onSkip = (submit: FormEvent) => {
    submit.preventDefault();
    if (by.trim() && reason.trim()) onResolve({ kind: 'skip', id: event.id, by: by.trim(), reason: reason.trim() });
  };

  return (
    <li className="parked-event">
      <article aria-labelledby={titleId}>
        <h3 id={titleId}>
          Parked event {event.id} <span className="hint">in {event.projection}</span>
        </h3>
        <dl className="facts">
          <dt>Where</dt>
          <dd>
            {event.topic}:{event.partition} at offset {event.offset}
          </dd>
          <dt>Stream</dt>
          <dd>{event.stream_id ?? '—'}</dd>
          <dt>Parked</dt>
          <dd>
            <time dateTime={event.parked_at}>{new Date(event.parked_at).toLocaleString()}</time>
          </dd>
        </dl>
        <p className="error-text">
          <strong>Error:</strong> {event.error}
        </p>
        <details>
          <summary>Payload</summary>
          <pre className="payload">
            {event.payload === null
              ? 'not shown (withheld by the projector)'
              : typeof event.payload === 'string'
                ? event.payload
                : JSON.stringify(event.payload, null, 2)}
          </pre>
        </details>
        <div className="resolve">
          <button type="button" onClick={() => onResolve({ kind: 'retry', id: event.id })} disabled={busy} aria-label={`Retry ${label}`}>
            Retry
          </button>
          <form className="skip-form" onSubmit={onSkip} aria-label={`Skip ${label}`}>
            <div className="field">
              <label htmlFor={`skip-by-${event.id}`}>Skipped by</label>
              <input id={`skip-by-${event.id}`} value={by} onChange={(change) => setBy(change.target.value)} required autoComplete="off" />
            </div>
            <div className="field grow">
              <label htmlFor={`skip-reason-${event.id}`}>Reason</label>
              <input
                id={`skip-reason-${event.id}`}
                value={reason}
                onChange={(change) => setReason(change.target.value)}
                required
                autoComplete="off"
              />
            </div>
            <button type="submit" className="danger" disabled={busy || !by.trim() || !reason.trim()}>
              Skip
            </button>
          </form>
        </div>
      </article>
    </li>
  );
}

function OutcomeNotice({ resolution, result }: { resolution: Resolution; result: ResolveOutcome }) {
  const verb = resolution.kind === 'retry' ? 'Retried' : 'Skipped';
  const applied = result.applied.length;
  if (result.still_parked) {
    return (
      <Notice tone="warning" title={`${verb} parked event ${resolution.id}: still parked`}>
        {applied > 0 ? `${applied} event(s) of the stream applied, then ` : ''}event {result.still_parked.id} (offset{' '}
        {result.still_parked.offset}) failed again: {result.still_parked.error}
        {result.waiting > 0 ? ` ${result.waiting} later event(s) of the stream wait behind it.` : ''}
      </Notice>
    );
  }
  return (
    <Notice tone="success" title={`${verb} parked event ${resolution.id}`}>
      {applied} event(s) of stream {result.stream_id ?? '—'} applied; nothing of it is parked any more.
    </Notice>
  );
}
