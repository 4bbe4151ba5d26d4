import { navField } from './source';

export const deviceMemory = () => navField('deviceMemory');
