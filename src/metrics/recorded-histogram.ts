import { Histogram, type MetricObjectWithValues, type MetricValueWithName } from 'prom-client';
import type { Buckets } from './buckets.js';

/** One label set's buckets. */
export interface HistogramSeries<L extends string> {
  labels: Record<L, string>;
  buckets: Buckets;
}

/**
 * A prom-client Histogram whose values are Lingua's own `Buckets`, read at
 * scrape time: requests update plain arrays, and only a scrape builds the
 * `_bucket` / `_sum` / `_count` lines (prom-client's own `observe` hashes
 * the label set on every call, about 1.5 µs each).
 */
export class RecordedHistogram<L extends string> extends Histogram<L> {
  readonly #name: string;
  readonly #help: string;
  readonly #series: () => Iterable<HistogramSeries<L>>;

  constructor(options: { name: string; help: string; labelNames: readonly L[]; series: () => Iterable<HistogramSeries<L>> }) {
    super({ name: options.name, help: options.help, labelNames: options.labelNames, registers: [] });
    this.#name = options.name;
    this.#help = options.help;
    this.#series = options.series;
  }

  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<L>>> {
    return this.getForPromString();
  }

  async getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<L>>> {
    const values: Array<MetricValueWithName<L>> = [];
    const name = this.#name;
    const bucket = `${name}_bucket`;
    for (const { labels, buckets } of this.#series()) {
      let cumulative = 0;
      buckets.bounds.forEach((le, i) => {
        cumulative += buckets.counts[i]!;
        values.push({ metricName: bucket, labels: { ...labels, le } as never, value: cumulative });
      });
      values.push({ metricName: bucket, labels: { ...labels, le: '+Inf' } as never, value: buckets.count });
      values.push({ metricName: `${name}_sum`, labels, value: buckets.sum });
      values.push({ metricName: `${name}_count`, labels, value: buckets.count });
    }
    // The typings ask for `collect`, which no registry reads from a `get()` result.
    return { name, help: this.#help, type: 'histogram', values, aggregator: 'sum' } as unknown as MetricObjectWithValues<MetricValueWithName<L>>;
  }
}
