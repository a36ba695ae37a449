import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SDKS, namespaceOf, type FunctionService, type Sdk } from './sdk-services';

// The interop workload's inputs, its module.yaml and the exact result it must give
// (e2e/interop-functions/README.md says what the functions do).

export const CUSTOMERS = ['c0', 'c1', 'c2', 'c3'] as const;
const KAFKA_RECORD = 'type.googleapis.com/io.statefun.sdk.egress.KafkaProducerRecord';
const STRING = 'io.statefun.types/string';

/** One order of one customer of one SDK's workload. */
export interface Order {
  readonly sdk: Sdk;
  readonly customer: string;
  readonly seq: number;
  readonly amount: number;
}

/** Every SDK's orders, `perCustomer` for each customer; amounts from `random`. */
export function makeOrders(perCustomer: number, random: () => number): Order[] {
  // The last order of a customer must cancel the `never` message of the one before it.
  if (perCustomer % 3 === 0) throw new Error(`perCustomer must not be a multiple of 3, got ${perCustomer}`);
  const orders: Order[] = [];
  for (const sdk of SDKS)
    for (const customer of CUSTOMERS)
      for (let seq = 1; seq <= perCustomer; seq++) orders.push({ sdk, customer, seq, amount: 1 + Math.floor(random() * 100) });
  return orders;
}

/** The path an SDK's orders are posted to, under the HTTP ingress. */
export const ordersPath = (sdk: Sdk, customer: string): string => `/${namespaceOf(sdk)}/${customer}`;

/** An SDK's exactly-once file egress. */
export const egressPath = (dir: string, sdk: Sdk): string => join(dir, `${namespaceOf(sdk)}.jsonl`);

/** module.yaml: one remote endpoint per SDK, one HTTP ingress, one exactly-once file egress per SDK. */
export function interopModule(services: readonly FunctionService[], ingressPort: number, dir: string): string {
  const endpoints = services.map(
    (service) => `kind: io.statefun.endpoints.v2/http
spec:
  functions: ${namespaceOf(service.sdk)}/*
  urlPathTemplate: http://127.0.0.1:${service.port}/statefun
  transport:
    type: io.statefun.transports.v1/async
    call: 2m`,
  );
  const routes = services.map(
    (service) => `    - path: /${namespaceOf(service.sdk)}
      valueType: ${STRING}
      targets: [${namespaceOf(service.sdk)}/customer]`,
  );
  const egresses = services.map(
    (service) => `kind: io.keyflow.file.v1/egress
spec:
  id: ${namespaceOf(service.sdk)}/out
  path: ${egressPath(dir, service.sdk)}
  deliverySemantic:
    type: exactly-once`,
  );
  const ingress = `kind: io.keyflow.http.v1/ingress
spec:
  id: interop/http
  port: ${ingressPort}
  routes:
${routes.join('\n')}`;
  return [...endpoints, ingress, ...egresses].join('\n---\n') + '\n';
}

/** A line of the file egress. */
export interface EgressLine {
  readonly egress: string;
  readonly typename: string;
  readonly topic?: string;
  readonly key?: string;
  readonly value: unknown;
}

/** The lines of an SDK's egress file so far. */
export async function egressLines(dir: string, sdk: Sdk): Promise<EgressLine[]> {
  try {
    return (await readFile(egressPath(dir, sdk), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as EgressLine);
  } catch {
    return [];
  }
}

/** The egress lines an SDK's workload must write, exactly, in a canonical order. */
export function expectedLines(sdk: Sdk, orders: readonly Order[]): EgressLine[] {
  const egress = `${namespaceOf(sdk)}/out`;
  const lines: EgressLine[] = [];
  for (const customer of CUSTOMERS) {
    const mine = orders.filter((order) => order.sdk === sdk && order.customer === customer);
    mine.forEach((order, index) =>
      lines.push({ egress, typename: STRING, value: `audit:${customer}:${order.seq}:${order.amount}:${index + 1}` }),
    );
    for (const order of mine)
      lines.push({ egress, typename: KAFKA_RECORD, topic: 'confirmations', key: customer, value: `confirm:${customer}:${order.seq}` });
    const total = mine.reduce((sum, order) => sum + order.amount, 0);
    lines.push({ egress, typename: STRING, value: `report:${customer}:${total}:${mine.length}:${mine.at(-1)?.seq ?? 0}` });
  }
  return canonical(lines);
}

/** Lines sorted by their JSON text, so that two runs compare whatever order they were written in. */
export function canonical(lines: readonly EgressLine[]): EgressLine[] {
  return [...lines]
    .map((line) => ({ line, text: JSON.stringify(line, Object.keys(line).sort()) }))
    .sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
    .map(({ line }) => line);
}

/** How many confirmations an SDK's egress has so far (one per processed order). */
export const confirmations = (lines: readonly EgressLine[]): number => lines.filter((line) => line.typename === KAFKA_RECORD).length;

/** How many reports an SDK's egress has so far. */
export const reports = (lines: readonly EgressLine[]): number =>
  lines.filter((line) => typeof line.value === 'string' && line.value.startsWith('report:')).length;
