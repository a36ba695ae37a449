// Types of the parts of parse-prometheus-text-format (it ships none) that the tests use.
declare module 'parse-prometheus-text-format' {
  interface ParsedFamily {
    readonly name: string;
    readonly help: string;
    readonly type: string;
    readonly metrics: readonly {
      readonly labels?: Record<string, string>;
      readonly value?: string;
      readonly buckets?: Record<string, string>;
      readonly count?: string;
      readonly sum?: string;
    }[];
  }
  /** Parses Prometheus' text exposition format into its metric families. */
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
