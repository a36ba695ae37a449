/** Options of `@keyflow/codegen:serve`. */
export interface ServeExecutorSchema {
  /** The module.yaml to run, from the workspace root. Default: `<projectRoot>/deploy/module.yaml`. */
  readonly module?: string;
  /** Where state and checkpoints live across restarts, from the workspace root. Default: `.keyflow/<project>`. */
  readonly stateDir?: string;
  /** More arguments for `keyflow run`. */
  readonly args?: readonly string[];
}
