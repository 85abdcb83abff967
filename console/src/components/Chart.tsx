import { useEffect, useRef } from 'preact/hooks';
import type uPlotType from 'uplot';
import { count, ms, usd } from '../format';

export type Unit = 'count' | 'usd' | 'ms';

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
}

const palette = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#dc2626', '#4b5563'];
const formatters: Record<Unit, (n: number) => string> = { count: (n) => count(n), usd: (n) => usd(n), ms: (n) => ms(n) };

/** Axis labels: short (1.2k, $0.00006), and whole numbers only for counts. */
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const axisLabels: Record<Unit, (n: number) => string> = {
  count: (n) => compact.format(n),
  usd: (n) => (n === 0 ? '$0' : `$${Number(n.toPrecision(2))}`),
  ms: (n) => (n >= 1000 ? `${Number((n / 1000).toPrecision(2))} s` : `${Math.round(n)} ms`),
};
const wholeSteps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 1e8, 1e9];

/** uPlot and its stylesheet, loaded with the first chart (the other pages never load them). */
let uplot: Promise<typeof uPlotType> | undefined;
const loadUplot = () => (uplot ??= Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([m]) => m.default));

/**
 * A time series chart (uPlot on a canvas). Its figure's caption says what
 * it shows in words, for people who do not see the canvas; `summary` is
 * the total or figure that matters most.
 */
export function Chart(props: { id: string; title: string; unit: Unit; x: number[]; series: ChartSeries[]; summary: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let plot: uPlotType | undefined;
    let cancelled = false;
    const observer = new ResizeObserver(() => {
      if (plot !== undefined && box.current !== null) plot.setSize({ width: box.current.clientWidth, height: 180 });
    });
    void loadUplot().then((UPlot) => {
      if (cancelled || box.current === null) return;
      const format = formatters[props.unit];
      plot = new UPlot({
        width: box.current.clientWidth,
        height: 180,
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [
          { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' } },
          { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' }, size: 72, values: (_u, ticks) => ticks.map(axisLabels[props.unit]), ...(props.unit === 'count' ? { incrs: wholeSteps } : {}) },
        ],
        legend: { live: true },
        series: [{}, ...props.series.map((s, i) => ({
          label: s.label,
          stroke: palette[i % palette.length],
          width: 2,
          spanGaps: false,
          // Percentiles have gaps (hours without requests): their points show even where no line joins them.
          points: { show: props.unit === 'ms' || props.x.length < 60, size: 5 },
          value: (_u: uPlotType, v: number | null) => (v === null ? '—' : format(v)),
        }))],
      }, [props.x, ...props.series.map((s) => s.values)] as uPlotType.AlignedData, box.current);
      observer.observe(box.current);
    });
    return () => {
      cancelled = true;
      observer.disconnect();
      plot?.destroy();
    };
  }, [props.x, props.series, props.unit]);
  return (
    <figure class="chart" data-testid={`chart-${props.id}`}>
      <figcaption>
        <span class="chart-title">{props.title}</span>
        <span class="chart-summary" data-testid={`chart-${props.id}-summary`}>{props.summary}</span>
      </figcaption>
      <div ref={box} role="img" aria-label={`${props.title} over time: ${props.summary}`} />
    </figure>
  );
}
