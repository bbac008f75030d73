// x [B, C, ...] + bias [C], the bias broadcast over the batch and trailing
// (space) axes; its cotangent sums over exactly those axes.
import type { Shape } from '../ir/graph.js';
import { shapeText } from '../ir/graph.js';
import type { OpDef } from './op.js';
import { expectArity, ShapeError } from './op.js';
import { coord } from '../wgsl/text.js';
import { tensor } from './tensor.js';

export const bias_add: OpDef<'bias_add'> = {
  name: 'bias_add',
  shape(inputs) {
    expectArity(inputs, 2, 'bias_add');
    const [x, bias] = inputs as [Shape, Shape];
    if (x.length < 2 || bias.length !== 1 || x[1] !== bias[0])
      throw new ShapeError(`bias_add needs x [B,C,...] and bias [C], got ${shapeText(x)} and ${shapeText(bias)}`);
    return x;
  },
  eval([x, bias]) {
    const C = x!.shape[1]!;
    const inner = x!.shape.slice(2).reduce((a, d) => a * d, 1);
    return tensor(x!.shape, x!.data.map((v, i) => v + bias!.data[Math.floor(i / inner) % C]!));
  },
  vjp(b, n, cot) {
    const axes = n.shape.map((_, d) => d).filter((d) => d !== 1);
    return [cot, b.add(`d.${n.id}.bias`, 'sum', [cot], b.shapeOf(n.inputs[1]!), { axes })];
  },
  wgsl: {
    kind: 'expr',
    expr: (c, i) => `(${c.x(0, i)} + ${c.x(1, coord(c.out, 1, i))})`,
    channelAddend: (c, channel) => c.x(1, channel),
  },
};
