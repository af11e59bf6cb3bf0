import { useEffect, useState } from 'react';
import { commandsToMove, NO_FILTERS, type Task, type TaskFilters, type TaskStatus } from '../api/tasks';
import { ColumnView } from './ColumnView';
import { CreateTaskForm } from './CreateTaskForm';
import { Filters, isFiltered } from './Filters';
import { FreshnessNotice } from './FreshnessNotice';
import { COLUMN_NAMES } from './labels';
import { TaskDetails } from './TaskDetails';
import { useColumns } from './useBoard';
import { newAction, useTaskWriter } from './useTaskWriter';
import { WriteStatus } from './WriteStatus';

const STALE_RETRY_MS = 1500;

export function Board() {
  const [filters, setFilters] = useState<TaskFilters>(NO_FILTERS);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const { columns, refetch, fetching } = useColumns(filters);
  const writer = useTaskWriter();

  // A stale answer (the read model had not reached this tab's writes in
  // time) is read again shortly; the notice says so meanwhile.
  const stale = columns.some((column) => column.freshness === 'stale');
  useEffect(() => {
    if (!stale) return;
    const timer = window.setTimeout(() => void refetch(), STALE_RETRY_MS);
    return () => window.clearTimeout(timer);
  }, [stale, refetch]);

  const allTasks = columns.flatMap((column) => column.tasks);
  const selected = allTasks.find((task) => task.task_id === selectedId) ?? null;

  const move = (task: Task, to: TaskStatus) => {
    const commands = commandsToMove(task.status, to);
    const command = commands?.[0];
    if (!command || (command !== 'complete' && command !== 'reopen' && command !== 'archive')) {
      return;
    }
    writer.run(
      newAction({
        kind: 'command',
        taskId: task.task_id,
        version: task.version,
        command: { command },
        label: `Move “${task.title}” to ${COLUMN_NAMES[to]}`,
      }),
    );
  };

  const moveById = (taskId: string, to: TaskStatus) => {
    const task = allTasks.find((candidate) => candidate.task_id === taskId);
    if (task) move(task, to);
  };

  return (
    <section className="board" aria-labelledby="board-title">
      <div className="page-head">
        <h1 id="board-title">Tasks</h1>
        <button type="button" className="secondary" onClick={() => void refetch()} disabled={fetching}>
          {fetching ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <CreateTaskForm writer={writer} projectId={filters.project_id} />
      <Filters value={filters} onChange={setFilters} />
      <WriteStatus writer={writer} />
      <FreshnessNotice columns={columns} onRefresh={() => void refetch()} />
      <div className={selected ? 'board-layout with-details' : 'board-layout'}>
        <div className="columns">
          {columns.map((column) => (
            <ColumnView
              key={column.status}
              column={column}
              filtered={isFiltered(filters)}
              busy={writer.pending}
              selectedId={selectedId}
              onMove={move}
              onDropTask={moveById}
              onOpen={(task) => setSelectedId(task.task_id)}
            />
          ))}
        </div>
        {selected && (
          <TaskDetails
            key={selected.task_id}
            task={selected}
            writer={writer}
            onClose={() => setSelectedId(null)}
          />
        )}
      </div>
    </section>
  );
}
