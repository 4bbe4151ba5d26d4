export const touch = () => ({
  maxTouchPoints: navigator.maxTouchPoints || 0,
  ontouchstart: 'ontouchstart' in window,
});
