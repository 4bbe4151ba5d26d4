import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MousePath } from './MousePath';

const path = Array.from({ length: 50 }, (_, i) => ({ t: i * 16, x: i * 3, y: i * 2 }));

describe('MousePath', () => {
  it('draws the path with a replay control', () => {
    render(<MousePath path={path} clicks={[{ t: 400, x: 60, y: 40 }]} />);
    const canvas = screen.getByTestId('mouse-path');
    expect(canvas.dataset.points).toBe('50');
    expect(canvas.getAttribute('aria-label')).toBe('Mouse path of 50 points and 1 clicks');
    const slider = screen.getByLabelText('Replay position') as HTMLInputElement;
    expect(Number(slider.value)).toBe(784);
    fireEvent.change(slider, { target: { value: '160' } });
    expect(screen.getByText('0.2 s')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Replay' })).toBeTruthy();
  });

  it('says when no pointer moved', () => {
    render(<MousePath path={[]} clicks={[]} />);
    expect(screen.getByText('No pointer movement recorded.')).toBeTruthy();
  });
});
