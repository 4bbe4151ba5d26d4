import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext } from 'react';
import { api, call, type Me, type Role } from './api';

const RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };

export function can(me: Me | undefined, role: Role): boolean {
  return !!me && RANK[me.role] >= RANK[role];
}

const MeContext = createContext<Me | undefined>(undefined);

export function useMeQuery() {
  return useQuery({
    queryKey: ['me'],
    queryFn: () => call(api.GET('/api/v1/auth/me')),
    retry: false,
    staleTime: 60_000,
  });
}

export function MeProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <MeContext.Provider value={me}>{children}</MeContext.Provider>;
}

export function useMe(): Me | undefined {
  return useContext(MeContext);
}

export function useLogout() {
  const client = useQueryClient();
  return async () => {
    await api.POST('/api/v1/auth/logout');
    client.clear();
    window.location.assign('/login');
  };
}
