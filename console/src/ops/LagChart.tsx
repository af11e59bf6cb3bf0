import { HISTORY_WINDOW_MS, type LagSample } from './useLagHistory';

const WIDTH = 160;
const HEIGHT = 36;
const MIN_SPAN_MS = 60_000;

/** The lag of one version over the last minutes, as a small line chart. */
export function LagChart({ name, samples }: { name: string; samples: LagSample[] }) {
  const last = samples[samples.length - 1];
  if (!last) return <span className="hint">no samples yet</span>;
  const peak = Math.max(1, ...samples.map((sample) => sample.lag));
  // The time axis spans the samples kept (at least a minute, at most the window),
  // so a page opened a moment ago still draws a readable line.
  const first = samples[0]?.at ?? last.at;
  const span = Math.min(HISTORY_WINDOW_MS, Math.max(MIN_SPAN_MS, last.at - first));
  const start = last.at - span;
  const x = (at: number) => ((at - start) / span) * WIDTH;
  // Headroom above the peak, so a flat line does not sit on the edge.
  const y = (lag: number) => HEIGHT - 2 - (lag / (peak * 1.25)) * (HEIGHT - 4);
  const points = samples.map((sample) => `${x(sample.at).toFixed(1)},${y(sample.lag).toFixed(1)}`);
  const minutes = Math.max(1, Math.round((last.at - first) / 60_000));
  const summary = `Lag of ${name} over the last ${minutes} min: now ${last.lag.toLocaleString('en')}, peak ${peak.toLocaleString('en')}`;
  return (
    <svg
      className="lag-chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width={WIDTH}
      height={HEIGHT}
      role="img"
      aria-label={summary}
    >
      <title>{summary}</title>
      <line x1="0" x2={WIDTH} y1={HEIGHT - 2} y2={HEIGHT - 2} className="axis" />
      {samples.length === 1 ? (
        <circle cx={x(last.at)} cy={y(last.lag)} r="2" className="line-point" />
      ) : (
        <polyline points={points.join(' ')} className="line" />
      )}
    </svg>
  );
}
