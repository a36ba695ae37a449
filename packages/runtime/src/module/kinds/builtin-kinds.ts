import { embeddedEndpointKind } from './embedded-endpoint-kind';
import { fileEgressKind } from './file-egress-kind';
import { httpEndpointKind, httpEndpointV1Kind } from './http-endpoint-kind';
import { httpIngressKind } from './http-ingress-kind';
import type { Kind } from './kind';
import { sidecarKind } from './sidecar-kind';

/** The kinds that ship with the runtime, registered like any package's kinds. */
export const BUILTIN_KINDS: readonly Kind[] = [
  httpEndpointKind,
  httpEndpointV1Kind,
  embeddedEndpointKind,
  sidecarKind,
  httpIngressKind,
  fileEgressKind,
];
