/** A file codegen produces: a workspace-relative posix path and its exact content. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}
