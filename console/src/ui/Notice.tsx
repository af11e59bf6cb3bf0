import type { ReactNode } from 'react';

/** A message box: errors are announced at once (alert), the rest politely (status). */
export function Notice({
  tone,
  title,
  children,
  actions,
}: {
  tone: 'info' | 'warning' | 'error' | 'success';
  title?: string;
  children?: ReactNode;
  actions?: ReactNode;
}) {
  const role = tone === 'error' || tone === 'warning' ? 'alert' : 'status';
  return (
    <div className={`notice notice-${tone}`} role={role}>
      {title && <strong className="notice-title">{title}</strong>}
      {children && <div className="notice-body">{children}</div>}
      {actions && <div className="notice-actions">{actions}</div>}
    </div>
  );
}
