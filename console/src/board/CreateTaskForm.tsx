import { useState, type FormEvent } from 'react';
import { PRIORITIES, type Priority } from '../api/tasks';
import { newAction, type TaskWriter } from './useTaskWriter';

export function CreateTaskForm({ writer, projectId }: { writer: TaskWriter; projectId: string }) {
  const [title, setTitle] = useState('');
  const [priority, setPriority] = useState<Priority>('normal');

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = title.trim();
    if (!trimmed) return;
    writer.run(
      newAction({
        kind: 'create',
        body: { title: trimmed, priority, ...(projectId ? { project_id: projectId } : {}) },
        label: `Create “${trimmed}”`,
      }),
    );
    setTitle('');
  };

  return (
    <form className="create" onSubmit={onSubmit} aria-label="Create a task">
      <div className="field grow">
        <label htmlFor="new-title">New task</label>
        <input
          id="new-title"
          value={title}
          onChange={(event) => setTitle(event.target.value)}
          placeholder="What needs doing?"
          maxLength={200}
          required
        />
      </div>
      <div className="field">
        <label htmlFor="new-priority">Priority</label>
        <select id="new-priority" value={priority} onChange={(event) => setPriority(event.target.value as Priority)}>
          {PRIORITIES.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" disabled={writer.pending}>
        Add task
      </button>
    </form>
  );
}
