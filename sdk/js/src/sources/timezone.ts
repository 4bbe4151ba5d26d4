/** The IANA time zone name, e.g. `Europe/Helsinki`. */
export const timezone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;
