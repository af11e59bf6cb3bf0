import type { PartitionStatus } from '../api/ops';
import { formatCount } from './format';

/** Per-partition checkpoints and lag, folded away until asked for. */
export function Partitions({ partitions, label }: { partitions: PartitionStatus[]; label: string }) {
  if (partitions.length === 0) return <span className="hint">no partitions</span>;
  const lagging = partitions.filter((partition) => (partition.lag ?? 0) > 0).length;
  return (
    <details className="partitions">
      <summary>
        {partitions.length} partitions{lagging ? `, ${lagging} behind` : ''}
      </summary>
      <table aria-label={`Partitions of ${label}`}>
        <thead>
          <tr>
            <th scope="col">Partition</th>
            <th scope="col">Checkpoint</th>
            <th scope="col">High watermark</th>
            <th scope="col">Lag</th>
          </tr>
        </thead>
        <tbody>
          {partitions.map((partition) => (
            <tr key={`${partition.topic}:${partition.partition}`}>
              <th scope="row">
                {partition.topic}:{partition.partition}
              </th>
              <td>{formatCount(partition.checkpoint)}</td>
              <td>{formatCount(partition.high_watermark)}</td>
              <td>{formatCount(partition.lag)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
