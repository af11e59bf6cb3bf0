import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { PRIORITIES, type Priority, type Task, type TaskCommand } from '../api/tasks';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { TaskHistory } from './TaskHistory';
import { COLUMN_NAMES } from './labels';
import { newAction, type TaskWriter } from './useTaskWriter';

/** One task beside the board: its fields to change, its commands, its history. */
export function TaskDetails({
  task,
  writer,
  onClose,
}: {
  task: Task;
  writer: TaskWriter;
  onClose: () => void;
}) {
  const [confirmArchive, setConfirmArchive] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  // Opening moves focus here: keyboard users land in the panel, and on a
  // narrow screen, where it sits below the board, it scrolls into view.
  useEffect(() => heading.current?.focus(), []);
  const archived = task.status === 'archived';

  const send = (command: TaskCommand, label: string) =>
    writer.run(
      newAction({ kind: 'command', taskId: task.task_id, version: task.version, command, label }),
    );

  return (
    <aside className="details panel" aria-labelledby="details-title">
      <div className="details-head">
        <h2 id="details-title" ref={heading} tabIndex={-1}>
          {task.title}
        </h2>
        <button type="button" className="secondary" onClick={onClose} aria-label="Close details">
          Close
        </button>
      </div>
      <dl className="facts">
        <dt>Status</dt>
        <dd>{COLUMN_NAMES[task.status]}</dd>
        <dt>Version</dt>
        <dd>{task.version}</dd>
        <dt>Updated</dt>
        <dd>
          <time dateTime={task.updated_at}>{new Date(task.updated_at).toLocaleString()}</time>
        </dd>
      </dl>
      {archived ? (
        <p className="hint">Archived tasks are final: they take no more changes.</p>
      ) : (
        // Each form is keyed by the version, so it shows the current value after any write.
        <div key={task.version} className="edit">
          <TextCommand
            id="rename"
            label="Title"
            initial={task.title}
            submit="Rename"
            disabled={writer.pending}
            onSubmit={(title) => send({ command: 'rename', title }, `Rename to “${title}”`)}
          />
          <TextCommand
            id="assignee"
            label="Assignee"
            initial={task.assignee ?? ''}
            submit="Assign"
            disabled={writer.pending}
            onSubmit={(assignee) =>
              send({ command: 'assign', assignee }, `Assign “${task.title}” to ${assignee}`)
            }
            extra={
              task.assignee ? (
                <button
                  type="button"
                  className="secondary"
                  disabled={writer.pending}
                  onClick={() => send({ command: 'unassign' }, `Unassign “${task.title}”`)}
                >
                  Unassign
                </button>
              ) : null
            }
          />
          <div className="field">
            <label htmlFor="details-priority">Priority</label>
            <select
              id="details-priority"
              value={task.priority}
              disabled={writer.pending}
              onChange={(event) => {
                const priority = event.target.value as Priority;
                send({ command: 'change-priority', priority }, `Set priority of “${task.title}” to ${priority}`);
              }}
            >
              {PRIORITIES.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          </div>
          <fieldset className="tags">
            <legend>Tags</legend>
            {task.tags.length === 0 && <p className="hint">No tags.</p>}
            <ul className="tag-list">
              {task.tags.map((tag) => (
                <li key={tag}>
                  <span className="tag">#{tag}</span>
                  <button
                    type="button"
                    className="link"
                    disabled={writer.pending}
                    aria-label={`Remove tag ${tag}`}
                    onClick={() => send({ command: 'remove-tag', tag }, `Remove tag ${tag}`)}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
            <TextCommand
              id="add-tag"
              label="New tag"
              initial=""
              submit="Add tag"
              disabled={writer.pending}
              onSubmit={(tag) => send({ command: 'add-tag', tag }, `Tag “${task.title}” with ${tag}`)}
            />
          </fieldset>
          <div className="status-actions">
            {task.status === 'open' ? (
              <button
                type="button"
                disabled={writer.pending}
                onClick={() => send({ command: 'complete' }, `Complete “${task.title}”`)}
              >
                Complete
              </button>
            ) : (
              <button
                type="button"
                disabled={writer.pending}
                onClick={() => send({ command: 'reopen' }, `Reopen “${task.title}”`)}
              >
                Reopen
              </button>
            )}
            <button
              type="button"
              className="danger"
              disabled={writer.pending}
              onClick={() => setConfirmArchive(true)}
            >
              Archive
            </button>
          </div>
        </div>
      )}
      {confirmArchive && (
        <ConfirmDialog
          title="Archive this task?"
          confirmLabel="Archive"
          danger
          onCancel={() => setConfirmArchive(false)}
          onConfirm={() => {
            setConfirmArchive(false);
            send({ command: 'archive' }, `Archive “${task.title}”`);
          }}
        >
          <p>
            “{task.title}” will move to Archived. Archiving is final: an archived task takes no more
            changes.
          </p>
        </ConfirmDialog>
      )}
      <TaskHistory taskId={task.task_id} version={task.version} />
    </aside>
  );
}

/** A one-field form that sends a command with the field's value. */
function TextCommand({
  id,
  label,
  initial,
  submit,
  disabled,
  onSubmit,
  extra,
}: {
  id: string;
  label: string;
  initial: string;
  submit: string;
  disabled: boolean;
  onSubmit: (value: string) => void;
  extra?: ReactNode;
}) {
  const [value, setValue] = useState(initial);
  const inputId = `details-${id}`;
  const trimmed = value.trim();
  const onFormSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (trimmed && trimmed !== initial) onSubmit(trimmed);
  };
  return (
    <form className="inline-form" onSubmit={onFormSubmit}>
      <div className="field grow">
        <label htmlFor={inputId}>{label}</label>
        <input id={inputId} value={value} onChange={(event) => setValue(event.target.value)} autoComplete="off" />
      </div>
      <button type="submit" disabled={disabled || !trimmed || trimmed === initial}>
        {submit}
      </button>
      {extra}
    </form>
  );
}
