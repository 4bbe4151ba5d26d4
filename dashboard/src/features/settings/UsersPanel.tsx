import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { UserPlus } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { toast } from 'react-toastify';
import { Button, Card, inputClass, Skeleton } from '../../components/ui';
import { api, call, type Role } from '../../lib/api';
import { when } from '../../lib/format';

const ROLES: Role[] = ['viewer', 'analyst', 'admin'];

export function UsersPanel() {
  const client = useQueryClient();
  const users = useQuery({ queryKey: ['users'], queryFn: () => call(api.GET('/api/v1/users')) });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const refresh = () => client.invalidateQueries({ queryKey: ['users'] });
  const create = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/users', { body: { email, password, role, name: '' } })),
    onSuccess: (u) => {
      toast.success(`Added ${u.email}`);
      setEmail('');
      setPassword('');
      refresh();
    },
  });
  const update = useMutation({
    mutationFn: ({ id, body }: { id: string; body: { role?: Role; is_active?: boolean } }) =>
      call(api.PATCH('/api/v1/users/{user_id}', { params: { path: { user_id: id } }, body })),
    onSuccess: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Card title="Users and roles">
      <p className="mb-2 text-xs text-slate-500">
        Viewers read; analysts also label and re-analyse sessions; admins manage keys, users and
        settings.
      </p>
      <form
        onSubmit={submit}
        className="mb-4 flex flex-wrap items-end gap-2"
        aria-label="Add a user"
      >
        <label className="text-xs">
          Email
          <input
            required
            type="email"
            className={`${inputClass} ml-1`}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="text-xs">
          Password
          <input
            required
            minLength={8}
            type="password"
            autoComplete="new-password"
            className={`${inputClass} ml-1`}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <label className="text-xs">
          Role
          <select
            className={`${inputClass} ml-1`}
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
          >
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <Button type="submit" disabled={create.isPending}>
          <UserPlus size={14} /> Add user
        </Button>
      </form>
      {users.isPending ? (
        <Skeleton className="h-24" />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="text-left text-xs text-slate-500">
              <tr>
                <th>Email</th>
                <th>Role</th>
                <th>Active</th>
                <th>Last sign-in</th>
              </tr>
            </thead>
            <tbody>
              {users.data?.map((u) => (
                <tr key={u.id} className="border-t border-slate-100">
                  <td className="py-1">{u.email}</td>
                  <td>
                    <select
                      aria-label={`Role of ${u.email}`}
                      className={inputClass}
                      value={u.role}
                      onChange={(e) =>
                        update.mutate({ id: u.id, body: { role: e.target.value as Role } })
                      }
                    >
                      {ROLES.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${u.email} active`}
                      checked={u.is_active}
                      onChange={(e) =>
                        update.mutate({ id: u.id, body: { is_active: e.target.checked } })
                      }
                    />
                  </td>
                  <td className="text-xs">{when(u.last_login_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
