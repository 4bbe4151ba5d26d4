import { fail } from './source';

/**
 * The notifications permission as the Permissions API reports it; headless Chrome used to
 * answer `prompt` here while `Notification.permission` said `denied`.
 */
export async function permissionsQueryState(): Promise<string> {
  if (!navigator.permissions?.query) return fail('unsupported');
  const status = await navigator.permissions.query({ name: 'notifications' as PermissionName });
  return status.state;
}
