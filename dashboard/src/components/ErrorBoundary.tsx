import { Component, type ReactNode } from 'react';

export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  render() {
    if (this.state.error) {
      return (
        <div role="alert" className="m-8 rounded border border-red-200 bg-red-50 p-4 text-red-800">
          <p className="font-semibold">Something went wrong on this page.</p>
          <p className="text-sm">{this.state.error.message}</p>
          <button
            type="button"
            className="mt-2 underline"
            onClick={() => this.setState({ error: null })}
          >
            Try again
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
