// The checker's "did you mean …", kept where its modules import it; it lives
// in util/ so that the metric names (math/) suggest the same way.
export { closest, didYouMean, editDistance } from '../util/suggest.js';
