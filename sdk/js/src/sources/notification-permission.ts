import { fail } from './source';

export const notificationPermission = (): string =>
  typeof Notification === 'undefined' ? fail('unsupported') : Notification.permission;
