export const devicePixelRatio = (): number => window.devicePixelRatio;
