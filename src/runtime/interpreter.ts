// The runtime's float64 interpreter is the ops' own (ops/interpreter.ts),
// which the data generators share.
export { evaluate, type Feeds } from '../ops/interpreter.js';
