import './index.css';
import 'react-toastify/dist/ReactToastify.css';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { ToastContainer } from 'react-toastify';
import { ErrorBoundary } from './components/ErrorBoundary';
import { makeQueryClient, onUnauthorized } from './lib/queryClient';
import { routes } from './routes';

const queryClient = makeQueryClient();
const router = createBrowserRouter(routes);
onUnauthorized.current = () => {
  queryClient.clear();
  if (window.location.pathname !== '/login') {
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    router.navigate(`/login?next=${next}`);
  }
};

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary>
      <QueryClientProvider client={queryClient}>
        <Suspense fallback={null}>
          <RouterProvider router={router} />
        </Suspense>
        <ToastContainer position="bottom-right" newestOnTop />
      </QueryClientProvider>
    </ErrorBoundary>
  </StrictMode>,
);
