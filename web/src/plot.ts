// The loss curve: uPlot in #chart, sized to the chart's box as it changes.
import 'uplot/dist/uPlot.min.css';
import uPlot from 'uplot';

/** The blue of the curve; test/web/e2e.test.ts looks for its pixels. */
const CURVE = '#1f5fa8';

export interface LossPlot {
  set(steps: number[], losses: number[]): void;
}

export function lossPlot(chart: HTMLElement): LossPlot {
  const size = () => ({ width: Math.max(200, chart.clientWidth), height: Math.max(120, chart.clientHeight) });
  const opts: uPlot.Options = {
    ...size(),
    scales: { x: { time: false }, y: { distr: 3 } },
    series: [
      { label: 'step' },
      { label: 'loss', stroke: CURVE, width: 1.5, points: { show: false }, value: (_u, v) => (v == null ? '–' : v.toExponential(4)) },
    ],
    axes: [
      { label: 'step', size: 36, labelSize: 16 },
      { label: 'loss', size: 60, labelSize: 16, values: (_u, vals) => vals.map((v) => (v == null ? '' : v.toExponential(0))) },
    ],
    legend: { show: false },
    cursor: { drag: { x: true, y: false } },
  };
  const p = new uPlot(opts, [[], []], chart);
  new ResizeObserver(() => p.setSize(size())).observe(chart);
  return {
    set(steps, losses) {
      p.setData([steps, losses]);
      chart.dataset['points'] = String(steps.length);
    },
  };
}
