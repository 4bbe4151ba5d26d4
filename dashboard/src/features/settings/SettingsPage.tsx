import { can, useMe } from '../../lib/auth';
import { DecisionRulePanel } from './DecisionRulePanel';
import { KeysPanel } from './KeysPanel';
import { PreferencesPanel } from './PreferencesPanel';
import { UsersPanel } from './UsersPanel';

export default function SettingsPage() {
  const me = useMe();
  const admin = can(me, 'admin');
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Settings</h1>
      {!admin && (
        <p
          className="rounded border border-amber-200 bg-amber-50 p-2 text-sm text-amber-800"
          data-testid="read-only"
        >
          You can read these settings; only admins can change them.
        </p>
      )}
      <DecisionRulePanel readOnly={!admin} />
      <PreferencesPanel readOnly={!admin} />
      {admin && <KeysPanel />}
      {admin && <UsersPanel />}
    </div>
  );
}
