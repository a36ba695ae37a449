/** Options of the `@keyflow/codegen:check-generated` executor (see schema.json). */
export interface CheckGeneratedExecutorSchema {
  /** The codegen target whose options the check uses. Default `codegen`. */
  codegenTarget?: string;
}
