import { useState, type DragEvent } from 'react';
import { commandsToMove, type Task, type TaskStatus } from '../api/tasks';
import { ErrorText } from '../ui/ErrorText';
import { COLUMN_NAMES } from './labels';
import { TaskCard, TASK_DRAG_TYPE } from './TaskCard';
import type { Column } from './useBoard';

export function ColumnView({
  column,
  filtered,
  busy,
  selectedId,
  onMove,
  onDropTask,
  onOpen,
}: {
  column: Column;
  filtered: boolean;
  busy: boolean;
  selectedId: string | null;
  onMove: (task: Task, to: TaskStatus) => void;
  onDropTask: (taskId: string, to: TaskStatus) => void;
  onOpen: (task: Task) => void;
}) {
  const [dropping, setDropping] = useState(false);
  const titleId = `column-${column.status}`;
  const accepts = (event: DragEvent) => event.dataTransfer.types.includes(TASK_DRAG_TYPE);

  const onDragOver = (event: DragEvent) => {
    if (!accepts(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    setDropping(true);
  };
  const onDrop = (event: DragEvent) => {
    setDropping(false);
    const taskId = event.dataTransfer.getData(TASK_DRAG_TYPE);
    if (!taskId) return;
    event.preventDefault();
    onDropTask(taskId, column.status);
  };

  return (
    // Dropping is the pointer's way to move a task; the keyboard's is each card's "Move to" menu.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions
    <section
      className={dropping ? 'column dropping' : 'column'}
      aria-labelledby={titleId}
      onDragOver={onDragOver}
      onDragLeave={() => setDropping(false)}
      onDrop={onDrop}
    >
      <h2 id={titleId} className="column-title">
        {COLUMN_NAMES[column.status]} <span className="count">{column.loading ? '…' : column.tasks.length}</span>
      </h2>
      {column.error && (
        <p role="alert">
          <ErrorText error={column.error} />
        </p>
      )}
      {!column.loading && !column.error && column.tasks.length === 0 && (
        <p className="empty">
          {filtered
            ? 'No task here matches the filters.'
            : column.status === 'open'
              ? 'No open tasks. Add one above.'
              : column.status === 'completed'
                ? 'Nothing done yet. Drag a task here, or use its “Move to” menu.'
                : 'No archived tasks.'}
        </p>
      )}
      {column.tasks.length > 0 && (
        <ul className="cards" aria-label={`${COLUMN_NAMES[column.status]} tasks`}>
          {column.tasks.map((task) => (
            <TaskCard
              key={task.task_id}
              task={task}
              busy={busy}
              selected={task.task_id === selectedId}
              targets={(['open', 'completed', 'archived'] as TaskStatus[]).filter(
                (to) => to !== task.status && commandsToMove(task.status, to) !== null,
              )}
              onMove={(to) => onMove(task, to)}
              onOpen={() => onOpen(task)}
            />
          ))}
        </ul>
      )}
      {column.more && <p className="hint">Showing the newest 200; narrow the filters to see others.</p>}
    </section>
  );
}
