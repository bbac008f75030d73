// The batch mean of the losses is a mean over a symbolic axis: its divisor is
// only known when the graph runs, which is why it is an op and not a scale.
import { reduction } from './reduce.js';

export const mean = reduction('mean');
