// Thin route table: each route lazily loads its feature's page.
import { lazy } from 'react';
import type { RouteObject } from 'react-router-dom';
import { Layout } from '../components/Layout';
import { RequireLogin } from '../features/auth/RequireLogin';

const LoginPage = lazy(() => import('../features/auth/LoginPage'));
const OverviewPage = lazy(() => import('../features/overview/OverviewPage'));
const SessionsPage = lazy(() => import('../features/sessions/SessionsPage'));
const SessionDetailsPage = lazy(() => import('../features/sessions/SessionDetailsPage'));
const SurveysPage = lazy(() => import('../features/surveys/SurveysPage'));
const SurveyPage = lazy(() => import('../features/surveys/SurveyPage'));
const ReviewPage = lazy(() => import('../features/review/ReviewPage'));
const SettingsPage = lazy(() => import('../features/settings/SettingsPage'));
const GuidePage = lazy(() => import('../features/guide/GuidePage'));
const IntegrationsPage = lazy(() => import('../features/integrations/IntegrationsPage'));
const PlaygroundPage = lazy(() => import('../features/playground/PlaygroundPage'));

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  {
    element: <RequireLogin />,
    children: [
      {
        element: <Layout />,
        children: [
          { index: true, element: <OverviewPage /> },
          { path: 'sessions', element: <SessionsPage /> },
          { path: 'sessions/:sessionId', element: <SessionDetailsPage /> },
          { path: 'surveys', element: <SurveysPage /> },
          { path: 'surveys/:surveyId', element: <SurveyPage /> },
          { path: 'review', element: <ReviewPage /> },
          { path: 'integrations', element: <IntegrationsPage /> },
          { path: 'settings', element: <SettingsPage /> },
          { path: 'guide', element: <GuidePage /> },
          { path: 'playground', element: <PlaygroundPage /> },
          { path: '*', element: <p>No such page.</p> },
        ],
      },
    ],
  },
];
