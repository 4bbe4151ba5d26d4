import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { toast } from 'react-toastify';
import { Button, Card, inputClass, Skeleton } from '../../components/ui';
import { api, call, type DashboardSettings } from '../../lib/api';
import { when } from '../../lib/format';

const LEVELS = ['low', 'medium', 'high', 'critical'] as const;
type Level = (typeof LEVELS)[number];
interface Prefs {
  thresholds: { alert_risk_levels: Level[] };
  retention: { retention_days: number };
  alerts: { toast_high_risk: boolean; sound: boolean };
}

/** The saved settings with every field filled in. */
export function toPrefs(doc: DashboardSettings): Prefs {
  return {
    thresholds: {
      alert_risk_levels: doc.thresholds?.alert_risk_levels ?? ['high', 'critical'],
    },
    retention: { retention_days: doc.retention?.retention_days ?? 90 },
    alerts: {
      toast_high_risk: doc.alerts?.toast_high_risk ?? true,
      sound: doc.alerts?.sound ?? false,
    },
  };
}

export function PreferencesPanel({ readOnly }: { readOnly: boolean }) {
  const client = useQueryClient();
  const saved = useQuery({
    queryKey: ['settings'],
    queryFn: () => call(api.GET('/api/v1/settings')),
  });
  const [draft, setDraft] = useState<Prefs | null>(null);
  useEffect(() => {
    if (saved.data) setDraft(toPrefs(saved.data));
  }, [saved.data]);
  const save = useMutation({
    mutationFn: (doc: Prefs) =>
      call(
        api.PUT('/api/v1/settings', {
          body: { thresholds: doc.thresholds, retention: doc.retention, alerts: doc.alerts },
        }),
      ),
    onSuccess: (doc) => {
      client.setQueryData(['settings'], doc);
      toast.success('Settings saved');
    },
  });
  if (!draft) return <Skeleton className="h-48" />;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(draft);
  };
  const levels = draft.thresholds.alert_risk_levels;
  return (
    <Card title="Alerts and retention">
      <form
        onSubmit={submit}
        className="grid grid-cols-1 gap-4 md:grid-cols-2"
        aria-label="Alerts and retention"
      >
        <fieldset disabled={readOnly} className="space-y-1 text-sm">
          <legend>Alert on risk levels</legend>
          {LEVELS.map((level) => (
            <label key={level} className="mr-3 inline-flex items-center gap-1">
              <input
                type="checkbox"
                checked={levels.includes(level)}
                onChange={(e) =>
                  setDraft({
                    ...draft,
                    thresholds: {
                      ...draft.thresholds,
                      alert_risk_levels: e.target.checked
                        ? [...levels, level]
                        : levels.filter((l) => l !== level),
                    },
                  })
                }
              />
              {level}
            </label>
          ))}
          <label className="block">
            <input
              type="checkbox"
              checked={draft.alerts.toast_high_risk}
              onChange={(e) =>
                setDraft({
                  ...draft,
                  alerts: { ...draft.alerts, toast_high_risk: e.target.checked },
                })
              }
            />{' '}
            Show a toast for live alerts
          </label>
        </fieldset>
        <fieldset disabled={readOnly} className="space-y-2">
          <label className="block text-sm">
            Keep expired sessions for
            <input
              name="retention_days"
              type="number"
              min={1}
              className={`${inputClass} mx-2 w-24`}
              value={draft.retention.retention_days}
              onChange={(e) =>
                setDraft({ ...draft, retention: { retention_days: Number(e.target.value) } })
              }
            />
            days
          </label>
        </fieldset>
        <div className="flex flex-wrap items-center gap-3 md:col-span-2">
          <Button type="submit" disabled={readOnly || save.isPending}>
            Save settings
          </Button>
          <span className="text-xs text-slate-500">
            {saved.data?.updated_at
              ? `Last saved ${when(saved.data.updated_at)} by ${saved.data.updated_by}`
              : 'Defaults (never saved)'}
          </span>
        </div>
      </form>
    </Card>
  );
}
