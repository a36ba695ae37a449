import { readFile } from 'node:fs/promises';
import { KeyflowError } from '@keyflow/sdk';
import { isMap, parseAllDocuments, stringify } from 'yaml';
import { RuntimeErrorCodes } from '../../errors/runtime-error-codes';

/** What to point a StateFun module at on this machine. */
export interface LocalTargets {
  /** Replaces the `urlPathTemplate` of every `io.statefun.endpoints.v2/http` endpoint. */
  readonly endpoint: string | undefined;
  /** Replaces the `address` of every `io.statefun.kafka.v1` ingress and egress. */
  readonly kafka: string | undefined;
}

/** The module the StateFun job loads, and what the printed hint needs. */
export interface LocalModule {
  readonly yaml: string;
  /** Topics of the Kafka ingresses, in order. */
  readonly ingressTopics: readonly string[];
  /** Whether any document is a Kafka ingress or egress. */
  readonly usesKafka: boolean;
}

const HTTP_ENDPOINT = 'io.statefun.endpoints.v2/http';
const KAFKA_KINDS = ['io.statefun.kafka.v1/ingress', 'io.statefun.kafka.v1/egress'];

/**
 * Merges StateFun module.yaml files into one document stream, pointing function endpoints and
 * Kafka addresses at the services on this machine. Throws `KF_MODULE_INVALID` (with the file)
 * for a file that is not YAML.
 */
export async function localModule(paths: readonly string[], targets: LocalTargets): Promise<LocalModule> {
  const documents: string[] = [];
  const ingressTopics: string[] = [];
  let usesKafka = false;
  for (const path of paths) {
    const text = await readFile(path, 'utf8').catch((error: unknown) => {
      throw new KeyflowError(RuntimeErrorCodes.MODULE_UNREADABLE, `Could not read the module ${path}: ${(error as Error).message}`, { cause: error });
    });
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length > 0) {
        throw new KeyflowError(RuntimeErrorCodes.MODULE_INVALID, `${path}: ${document.errors[0]?.message ?? 'not YAML'}; a StateFun module.yaml is expected.`);
      }
      const value = document.toJS() as unknown;
      if (value === null || value === undefined) continue;
      if (!isMap(document.contents) || typeof value !== 'object') {
        throw new KeyflowError(RuntimeErrorCodes.MODULE_INVALID, `${path}: a document is not a mapping with 'kind' and 'spec'.`);
      }
      const { kind, spec } = value as { kind?: unknown; spec?: Record<string, unknown> };
      if (kind === HTTP_ENDPOINT && spec && targets.endpoint !== undefined) spec['urlPathTemplate'] = targets.endpoint;
      if (typeof kind === 'string' && KAFKA_KINDS.includes(kind) && spec) {
        usesKafka = true;
        if (targets.kafka !== undefined) spec['address'] = targets.kafka;
        if (kind === KAFKA_KINDS[0]) {
          for (const topic of (spec['topics'] as { topic?: string }[] | undefined) ?? []) if (topic.topic) ingressTopics.push(topic.topic);
        }
      }
      documents.push(stringify(value));
    }
  }
  return { yaml: documents.join('---\n'), ingressTopics, usesKafka };
}
