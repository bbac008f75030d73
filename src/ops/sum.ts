import { reduction } from './reduce.js';

export const sum = reduction('sum');
