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
          {byStream(parked.data).map(({ first, waiting }) => (
            <ParkedItem key={first.id} event={first} waiting={waiting} busy={resolve.isPending} onResolve={run} />
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * A projection parks a stream from its first failing event on: the later
 * events of the stream wait behind it. Retry and skip act on that first
 * event (and then re-apply the ones behind it), so the page shows one entry
 * per stream, with the waiting events folded inside.
 */
function byStream(events: ParkedEvent[]): { first: ParkedEvent; waiting: ParkedEvent[] }[] {
  const streams = new Map<string, ParkedEvent[]>();
  for (const event of events) {
    const key = `${event.projection}|${event.stream_id ?? `event-${event.id}`}`;
    streams.set(key, [...(streams.get(key) ?? []), event]);
  }
  return [...streams.values()].map((stream) => {
    const [first, ...waiting] = [...stream].sort(
      (a, b) => a.partition - b.partition || a.offset - b.offset,
    ) as [ParkedEvent, ...ParkedEvent[]];
    return { first, waiting };
  });
}

function ParkedItem({
  event,
  waiting,
  busy,
  onResolve,
}: {
  event: ParkedEvent;
  waiting: ParkedEvent[];
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
        {waiting.length > 0 && (
          <details>
            <summary>
              {waiting.length} later event{waiting.length === 1 ? '' : 's'} of this stream wait
              {waiting.length === 1 ? 's' : ''} behind it
            </summary>
            <ul className="waiting">
              {waiting.map((later) => (
                <li key={later.id}>
                  Event {later.id} at offset {later.offset}: {later.error}
                </li>
              ))}
            </ul>
          </details>
        )}
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
  const still = result.still_parked;
  if (still) {
    return (
      <Notice tone="warning" title={`${verb} parked event ${resolution.id}: the stream is still parked`}>
        {applied > 0 ? `${applied} event(s) of the stream applied, then ` : ''}
        {still.id === resolution.id ? 'it' : `event ${still.id} (offset ${still.offset})`} cannot be applied:{' '}
        {still.error}.
        {result.waiting > 0 ? ` ${result.waiting} event(s) of the stream are parked.` : ''}
      </Notice>
    );
  }
  return (
    <Notice tone="success" title={`${verb} parked event ${resolution.id}`}>
      {applied} event(s) of stream {result.stream_id ?? '—'} applied; nothing of it is parked any more.
    </Notice>
  );
}
