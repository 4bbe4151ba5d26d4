// The live feed: a WebSocket that patches cached lists and counters as sessions change, raises a
// toast for high-risk verdicts, reconnects with backoff and has pages poll while it is down.
import { type InfiniteData, type QueryClient, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react';
import { toast } from 'react-toastify';
import type { SessionPage, SessionRow } from './api';
import { shortId } from './format';

export type LiveStatus = 'connecting' | 'open' | 'closed';
export interface LiveEvent {
  event: 'session_updated' | 'analysis_complete';
  data: Record<string, unknown> & { session_id: string };
}
interface Live {
  status: LiveStatus;
  /** What pages pass as refetchInterval: nothing while live, polling while the socket is down. */
  pollInterval: number | false;
}

const LiveContext = createContext<Live>({ status: 'closed', pollInterval: 10_000 });
export const useLive = () => useContext(LiveContext);
export const POLL_MS = 5_000;

export function backoff(attempt: number): number {
  return Math.min(30_000, 1_000 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
}

/** Patches every cached session list; returns false when a session is not in any of them. */
export function patchLists(client: QueryClient, event: LiveEvent): boolean {
  let found = false;
  const fields: Partial<SessionRow> =
    event.event === 'analysis_complete'
      ? {
          is_bot: event.data.is_bot as boolean,
          ...('decision' in event.data
            ? { decision: event.data.decision as SessionRow['decision'] }
            : {}),
          bot_probability: event.data.bot_probability as number,
          risk_level: event.data.risk_level as string,
        }
      : Object.fromEntries(
          ['event_count', 'status', 'label', 'decision', 'is_bot']
            .filter((k) => k in event.data)
            .map((k) => [k, event.data[k]]),
        );
  client.setQueriesData<InfiniteData<SessionPage>>({ queryKey: ['sessions'] }, (data) => {
    if (!data?.pages) return data;
    return {
      ...data,
      pages: data.pages.map((page) => ({
        ...page,
        items: page.items.map((row) => {
          if (row.session_id !== event.data.session_id) return row;
          found = true;
          return { ...row, ...fields };
        }),
      })),
    };
  });
  return found;
}

export function applyEvents(
  client: QueryClient,
  events: LiveEvent[],
  alertLevels: string[],
  refreshLists: () => void,
  refreshOverview: () => void = () => client.invalidateQueries({ queryKey: ['overview'] }),
) {
  let unknown = false;
  for (const event of events) {
    if (!patchLists(client, event)) unknown = true;
    client.invalidateQueries({ queryKey: ['session', event.data.session_id] });
    if (
      event.event === 'analysis_complete' &&
      alertLevels.includes(String(event.data.risk_level))
    ) {
      toast.warn(
        `${String(event.data.risk_level).toUpperCase()} risk: session ${shortId(String(event.data.session_id))} — ${String(event.data.analysis_summary ?? '')}`,
        { toastId: `risk-${event.data.session_id}` },
      );
    }
  }
  refreshOverview();
  if (unknown) refreshLists();
}

export function LiveProvider({
  children,
  alertLevels,
}: {
  children: ReactNode;
  alertLevels: string[];
}) {
  const client = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const levels = useRef(alertLevels);
  levels.current = alertLevels;

  useEffect(() => {
    let socket: WebSocket | null = null;
    let attempt = 0;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let refresh: ReturnType<typeof setTimeout> | undefined;
    let overview: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    // The overview's counters refresh at most every 2 s however busy the feed is.
    const refreshOverview = () => {
      overview ??= setTimeout(() => {
        overview = undefined;
        client.invalidateQueries({ queryKey: ['overview'] });
      }, 2_000);
    };
    const refreshLists = () => {
      clearTimeout(refresh);
      refresh = setTimeout(() => client.invalidateQueries({ queryKey: ['sessions'] }), 300);
    };
    const connect = () => {
      setStatus('connecting');
      const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
      socket = new WebSocket(`${scheme}://${window.location.host}/api/v1/ws`);
      socket.onopen = () => {
        attempt = 0;
        setStatus('open');
        // Anything missed while down is fetched once.
        client.invalidateQueries({ queryKey: ['sessions'] });
        client.invalidateQueries({ queryKey: ['overview'] });
      };
      socket.onmessage = (message) => {
        const frame = JSON.parse(String(message.data));
        if (frame.type === 'events')
          applyEvents(client, frame.events, levels.current, refreshLists, refreshOverview);
      };
      socket.onclose = () => {
        setStatus('closed');
        if (!stopped) retry = setTimeout(connect, backoff(attempt++));
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      clearTimeout(refresh);
      clearTimeout(overview);
      socket?.close();
    };
  }, [client]);

  return (
    <LiveContext.Provider value={{ status, pollInterval: status === 'open' ? false : POLL_MS }}>
      {children}
    </LiveContext.Provider>
  );
}
