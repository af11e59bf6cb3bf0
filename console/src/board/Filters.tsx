import { useEffect, useState } from 'react';
import type { TaskFilters } from '../api/tasks';
import { useProjects } from './useBoard';

const TYPING_PAUSE_MS = 300;

export function isFiltered(filters: TaskFilters): boolean {
  return [filters.project_id, filters.assignee, filters.tag, filters.q].some((value) => value.trim() !== '');
}

/** Project, assignee, tag and text, as the query API filters them. */
export function Filters({
  value,
  onChange,
}: {
  value: TaskFilters;
  onChange: (filters: TaskFilters) => void;
}) {
  const [draft, setDraft] = useState(value);
  const projects = useProjects();

  // Text filters apply once typing pauses, not on every key.
  useEffect(() => {
    if (JSON.stringify(draft) === JSON.stringify(value)) return;
    const timer = window.setTimeout(() => onChange(draft), TYPING_PAUSE_MS);
    return () => window.clearTimeout(timer);
  }, [draft, value, onChange]);

  const set = (key: keyof TaskFilters) => (text: string) => setDraft({ ...draft, [key]: text });

  return (
    <form className="filters" role="search" aria-label="Filter tasks" onSubmit={(event) => {
      event.preventDefault();
      onChange(draft);
    }}>
      <div className="field">
        <label htmlFor="filter-q">Search titles</label>
        <input id="filter-q" type="search" value={draft.q} onChange={(event) => set('q')(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="filter-project">Project</label>
        <select
          id="filter-project"
          value={draft.project_id}
          onChange={(event) => {
            const next = { ...draft, project_id: event.target.value };
            setDraft(next);
            onChange(next);
          }}
        >
          <option value="">All projects</option>
          {(projects.data ?? []).map((project) => (
            <option key={project.project_id} value={project.project_id}>
              {project.name}
              {project.status === 'archived' ? ' (archived)' : ''}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-assignee">Assignee</label>
        <input
          id="filter-assignee"
          value={draft.assignee}
          onChange={(event) => set('assignee')(event.target.value)}
          autoComplete="off"
        />
      </div>
      <div className="field">
        <label htmlFor="filter-tag">Tag</label>
        <input id="filter-tag" value={draft.tag} onChange={(event) => set('tag')(event.target.value)} autoComplete="off" />
      </div>
      {isFiltered(draft) && (
        <button
          type="button"
          className="secondary"
          onClick={() => {
            const cleared = { project_id: '', assignee: '', tag: '', q: '' };
            setDraft(cleared);
            onChange(cleared);
          }}
        >
          Clear filters
        </button>
      )}
    </form>
  );
}
