import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { Card, Empty, Skeleton } from '../../components/ui';
import { api, call } from '../../lib/api';
import { num, pct, when } from '../../lib/format';

export function surveyPath(survey: string) {
  return `/surveys/${encodeURIComponent(survey)}`;
}

export default function SurveysPage() {
  const list = useQuery({
    queryKey: ['surveys'],
    queryFn: () => call(api.GET('/api/v1/dashboard/surveys')),
  });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Surveys</h1>
      <Card className="overflow-x-auto">
        {!list.data ? (
          <Skeleton className="h-24" />
        ) : list.data.items.length === 0 ? (
          <Empty>No sessions yet: a survey appears here with its first session.</Empty>
        ) : (
          <table className="w-full text-sm" data-testid="surveys">
            <thead className="text-left text-xs text-slate-500">
              <tr>
                <th className="py-1">Survey</th>
                <th>Sessions</th>
                <th>Excluded</th>
                <th>Rate</th>
                <th className="hidden sm:table-cell">Last session</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((s) => (
                <tr key={s.survey_id} className="border-t border-slate-100">
                  <td className="max-w-[10rem] truncate py-1 font-mono sm:max-w-none">
                    <Link className="text-indigo-700 hover:underline" to={surveyPath(s.survey_id)}>
                      {s.survey_id}
                    </Link>
                  </td>
                  <td>{num(s.sessions)}</td>
                  <td>{num(s.excluded)}</td>
                  <td>{pct(s.exclusion_rate)}</td>
                  <td className="hidden text-slate-500 sm:table-cell">{when(s.last_session_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
