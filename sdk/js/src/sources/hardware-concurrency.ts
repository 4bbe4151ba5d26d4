import { navField } from './source';

export const hardwareConcurrency = () => navField('hardwareConcurrency');
