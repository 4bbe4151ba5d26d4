import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Environment } from './Environment';

describe('Environment', () => {
  it('highlights the signals bots give away and nothing else', () => {
    render(
      <Environment
        environment={{ webdriver: true, languages: ['en'], userAgent: 'HeadlessChrome/120' }}
      />,
    );
    const rows = screen.getAllByRole('row');
    const flagged = rows
      .filter((r) => r.dataset.suspicious === 'true')
      .map((r) => r.querySelector('th')?.textContent);
    expect(flagged).toEqual(['webdriver', 'userAgent']);
    expect(screen.getAllByText('suspicious')).toHaveLength(2);
  });

  it('says so when nothing was recorded', () => {
    render(<Environment environment={{}} />);
    expect(screen.getByText('No environment recorded.')).toBeTruthy();
  });
});
