import type { ChangeEvent, DragEvent } from 'react';
import type { Task, TaskStatus } from '../api/tasks';
import { COLUMN_NAMES } from './labels';

export const TASK_DRAG_TYPE = 'application/x-task-id';

/**
 * One task on the board: draggable to another column with a pointer, and
 * movable with the keyboard through its "Move to" menu.
 */
export function TaskCard({
  task,
  busy,
  selected,
  targets,
  onMove,
  onOpen,
}: {
  task: Task;
  busy: boolean;
  selected: boolean;
  targets: TaskStatus[];
  onMove: (to: TaskStatus) => void;
  onOpen: () => void;
}) {
  const movable = targets.length > 0;
  const onDragStart = (event: DragEvent) => {
    event.dataTransfer.setData(TASK_DRAG_TYPE, task.task_id);
    event.dataTransfer.setData('text/plain', task.title);
    event.dataTransfer.effectAllowed = 'move';
  };
  const onSelect = (event: ChangeEvent<HTMLSelectElement>) => {
    const to = event.target.value as TaskStatus | '';
    if (to) onMove(to);
  };

  return (
    // Dragging is the pointer's way to move a task; the keyboard's is the "Move to" menu below.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions
    <li
      className={selected ? 'card selected' : 'card'}
      draggable={movable && !busy}
      onDragStart={onDragStart}
      data-task-id={task.task_id}
    >
      <h3 className="card-title">{task.title}</h3>
      <p className="card-meta">
        <span className={`badge priority-${task.priority}`}>{task.priority}</span>
        {task.assignee && <span>@{task.assignee}</span>}
        {task.tags.map((tag) => (
          <span key={tag} className="tag">
            #{tag}
          </span>
        ))}
      </p>
      <div className="card-actions">
        {movable && (
          <select
            aria-label={`Move “${task.title}” to`}
            value=""
            onChange={onSelect}
            disabled={busy}
          >
            <option value="">Move to…</option>
            {targets.map((to) => (
              <option key={to} value={to}>
                {COLUMN_NAMES[to]}
              </option>
            ))}
          </select>
        )}
        <button
          type="button"
          className="secondary"
          onClick={onOpen}
          aria-label={`Details of “${task.title}”`}
          aria-pressed={selected}
        >
          Details
        </button>
      </div>
    </li>
  );
}
