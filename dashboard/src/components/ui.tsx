import type { ReactNode } from 'react';
import { RISK_COLOURS } from '../lib/format';

export function Skeleton({ className = '' }: { className?: string }) {
  return <div aria-hidden className={`animate-pulse rounded bg-slate-200 ${className}`} />;
}

export function Card({
  title,
  children,
  className = '',
}: {
  title?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section
      className={`min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm ${className}`}
    >
      {title && <h2 className="mb-3 text-sm font-semibold text-slate-600">{title}</h2>}
      {children}
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="py-8 text-center text-sm text-slate-500">{children}</p>;
}

export function RiskBadge({ risk }: { risk: string | null | undefined }) {
  if (!risk) return <span className="text-xs text-slate-400">not analysed</span>;
  return (
    <span className={`rounded px-2 py-0.5 text-xs font-medium ${RISK_COLOURS[risk] ?? ''}`}>
      {risk}
    </span>
  );
}

export function Button({
  children,
  variant = 'primary',
  ...props
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'ghost' | 'danger' }) {
  const styles = {
    primary: 'bg-indigo-600 text-white hover:bg-indigo-700 disabled:bg-indigo-300',
    ghost: 'border border-slate-300 bg-white hover:bg-slate-100 disabled:text-slate-400',
    danger: 'bg-red-600 text-white hover:bg-red-700 disabled:bg-red-300',
  }[variant];
  return (
    <button
      type="button"
      {...props}
      className={`inline-flex items-center gap-1 rounded px-3 py-1.5 text-sm font-medium ${styles} ${props.className ?? ''}`}
    >
      {children}
    </button>
  );
}

export const inputClass =
  'rounded border border-slate-300 bg-white px-2 py-1.5 text-sm focus:border-indigo-500';
