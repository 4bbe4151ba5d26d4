export const vendor = (): string => navigator.vendor;
