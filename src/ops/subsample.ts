import { resampling } from './resample.js';

export const subsample = resampling('subsample');
