import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { Button, inputClass } from '../../components/ui';
import { ApiError, api, call } from '../../lib/api';

export default function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const login = useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/login', { body: { email, password } })),
    onSuccess: (me) => {
      client.setQueryData(['me'], me);
      const next = params.get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    },
    // Shown in the form rather than as a toast.
    meta: { quiet: true },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };
  const error = login.error instanceof ApiError ? login.error.message : login.error?.message;
  return (
    <main className="flex min-h-screen items-center justify-center">
      <form
        onSubmit={submit}
        className="w-80 space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow"
      >
        <h1 className="text-xl font-bold text-indigo-700">botsieve</h1>
        <p className="text-sm text-slate-600">Sign in to the dashboard.</p>
        <label className="block text-sm">
          Email
          <input
            className={`${inputClass} mt-1 w-full`}
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="block text-sm">
          Password
          <input
            className={`${inputClass} mt-1 w-full`}
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        )}
        <Button type="submit" disabled={login.isPending} className="w-full justify-center">
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </Button>
        <p className="text-xs text-slate-500">
          No account yet? The first admin is made on the server:{' '}
          <code className="break-all">botsieve users create --email you@example.org</code>
        </p>
      </form>
    </main>
  );
}
