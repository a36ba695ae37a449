import type {
  EndpointConfig,
  ExtensionConfig,
  FileEgressConfig,
  HttpIngressConfig,
  SidecarConfig,
  SourceLocation,
} from '../module-config';
import type { SpecReader } from '../spec-reader';
import { parseEmbeddedEndpoint } from './embedded-endpoint-kind';
import { parseFileEgress } from './file-egress-kind';
import { parseHttpEndpoint, parseHttpEndpointV1 } from './http-endpoint-kind';
import { parseHttpIngress } from './http-ingress-kind';
import { ModuleKinds } from './module-kinds';
import { parseSidecar } from './sidecar-kind';

/** What one module document becomes. */
export type ModuleComponent = EndpointConfig | SidecarConfig | HttpIngressConfig | FileEgressConfig | ExtensionConfig;

/** Reads the spec of one kind; problems go into the reader. */
export type KindParser = (spec: SpecReader, source: SourceLocation) => ModuleComponent;

/** The kinds the runtime handles itself, by kind name. */
export const BUILTIN_KINDS: ReadonlyMap<string, KindParser> = new Map<string, KindParser>([
  [ModuleKinds.HTTP_ENDPOINT, parseHttpEndpoint],
  [ModuleKinds.HTTP_ENDPOINT_V1, parseHttpEndpointV1],
  [ModuleKinds.EMBEDDED_ENDPOINT, parseEmbeddedEndpoint],
  [ModuleKinds.SIDECAR, parseSidecar],
  [ModuleKinds.HTTP_INGRESS, parseHttpIngress],
  [ModuleKinds.FILE_EGRESS, parseFileEgress],
]);
