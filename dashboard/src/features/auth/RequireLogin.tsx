import { useQuery } from '@tanstack/react-query';
import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { Skeleton } from '../../components/ui';
import { api, call } from '../../lib/api';
import { MeProvider, useMeQuery } from '../../lib/auth';
import { LiveProvider } from '../../lib/live';

export function RequireLogin() {
  const me = useMeQuery();
  const location = useLocation();
  const settings = useQuery({
    queryKey: ['settings'],
    queryFn: () => call(api.GET('/api/v1/settings')),
    enabled: !!me.data,
  });
  if (me.isPending) return <Skeleton className="m-8 h-32" />;
  if (!me.data) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  const alerts =
    settings.data?.alerts?.toast_high_risk === false
      ? []
      : (settings.data?.thresholds?.alert_risk_levels ?? ['high', 'critical']);
  return (
    <MeProvider me={me.data}>
      <LiveProvider alertLevels={alerts}>
        <Outlet />
      </LiveProvider>
    </MeProvider>
  );
}
