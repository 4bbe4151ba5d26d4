export const appVersion = (): string => navigator.appVersion;
