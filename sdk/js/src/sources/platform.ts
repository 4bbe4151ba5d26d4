export const platform = (): string => navigator.platform;
