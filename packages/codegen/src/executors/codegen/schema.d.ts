/** Options of the `@keyflow/codegen:codegen` executor (see schema.json). */
export interface CodegenExecutorSchema {
  urlPathTemplate?: string;
  functionsImage?: string;
  runtimeImage?: string;
  functionsPort?: number;
  stateVolumeSize?: string;
  /** Report stale files instead of writing them. Defaults to true when the CI variable is set. */
  check?: boolean;
  /** Keep running and regenerate when inputs change, yielding after each run. */
  watch?: boolean;
}
