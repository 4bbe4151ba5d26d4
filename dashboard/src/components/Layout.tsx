import {
  BookOpen,
  ClipboardList,
  Gauge,
  List,
  ListChecks,
  LogOut,
  Menu,
  Plug,
  Radio,
  Settings,
  Terminal,
  X,
} from 'lucide-react';
import { Suspense, useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router-dom';
import { useLogout, useMe } from '../lib/auth';
import { useLive } from '../lib/live';
import { ErrorBoundary } from './ErrorBoundary';
import { Skeleton } from './ui';

const NAV = [
  { to: '/', label: 'Overview', icon: Gauge, end: true },
  { to: '/sessions', label: 'Sessions', icon: List, end: false },
  { to: '/surveys', label: 'Surveys', icon: ClipboardList, end: false },
  { to: '/review', label: 'Review', icon: ListChecks, end: false },
  { to: '/integrations', label: 'Integrations', icon: Plug, end: false },
  { to: '/settings', label: 'Settings', icon: Settings, end: false },
  { to: '/playground', label: 'API playground', icon: Terminal, end: false },
  { to: '/guide', label: 'Quick start', icon: BookOpen, end: false },
];

function LiveDot() {
  const { status } = useLive();
  const colour = { open: 'text-emerald-600', connecting: 'text-amber-500', closed: 'text-red-500' }[
    status
  ];
  const text = { open: 'Live', connecting: 'Connecting…', closed: 'Offline, polling' }[status];
  return (
    <span
      className={`flex items-center gap-1 text-xs ${colour}`}
      data-testid="live-status"
      data-status={status}
    >
      <Radio size={14} aria-hidden /> {text}
    </span>
  );
}

export function Layout() {
  const me = useMe();
  const logout = useLogout();
  // Below md the menu folds into a button at the top; it closes when a page is chosen.
  const [open, setOpen] = useState(false);
  const { pathname } = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: close on every navigation
  useEffect(() => setOpen(false), [pathname]);
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <nav
        aria-label="Main"
        className="flex shrink-0 flex-col border-b border-slate-200 bg-white p-3 md:w-52 md:border-r md:border-b-0"
      >
        <div className="flex items-center justify-between md:mb-6">
          <div className="px-2 text-lg font-bold text-indigo-700">botsieve</div>
          <button
            type="button"
            className="flex items-center gap-1 rounded px-2 py-1 text-sm text-slate-700 hover:bg-slate-100 md:hidden"
            aria-expanded={open}
            aria-controls="main-menu"
            onClick={() => setOpen(!open)}
          >
            {open ? <X size={18} aria-hidden /> : <Menu size={18} aria-hidden />} Menu
          </button>
        </div>
        <div
          id="main-menu"
          className={`${open ? 'flex' : 'hidden'} mt-3 flex-1 flex-col md:mt-0 md:flex`}
        >
          <ul className="space-y-1">
            {NAV.map(({ to, label, icon: Icon, end }) => (
              <li key={to}>
                <NavLink
                  to={to}
                  end={end}
                  className={({ isActive }) =>
                    `flex items-center gap-2 rounded px-2 py-1.5 text-sm ${isActive ? 'bg-indigo-50 font-semibold text-indigo-700' : 'text-slate-700 hover:bg-slate-100'}`
                  }
                >
                  <Icon size={16} aria-hidden /> {label}
                </NavLink>
              </li>
            ))}
          </ul>
          <div className="mt-4 space-y-2 px-2 text-xs text-slate-500 md:mt-auto">
            <LiveDot />
            <div className="break-words">
              {me?.user?.email ?? 'API key'} · {me?.role}
            </div>
            <button
              type="button"
              onClick={logout}
              className="flex items-center gap-1 hover:text-slate-800"
            >
              <LogOut size={14} aria-hidden /> Sign out
            </button>
          </div>
        </div>
      </nav>
      <main className="min-w-0 flex-1 p-3 sm:p-6">
        <ErrorBoundary>
          <Suspense fallback={<Skeleton className="h-64 w-full" />}>
            <Outlet />
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}
