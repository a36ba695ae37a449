/** Options of `nx generate @keyflow/codegen:function` (see schema.json). */
export interface FunctionGeneratorSchema {
  /** The function's name, e.g. `audit` or `order-tracker`; the typename is `<namespace>/<name>`. */
  name: string;
  /** The Nx project to add the function to. */
  project: string;
  /** The typename namespace; defaults to the one the project's functions use, else the project name. */
  namespace?: string;
  /** The folder, relative to the project root, for the new files. Default `src/functions`. */
  directory?: string;
  /** Do not run codegen after scaffolding (the registry then lacks the new function). */
  skipCodegen?: boolean;
}
