import { resampling } from './resample.js';

export const zero_insert = resampling('zero_insert');
