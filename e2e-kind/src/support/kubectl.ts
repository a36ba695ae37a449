import { spawn } from 'node:child_process';

/** Where the gate put the cluster's kubeconfig and its own kubectl (tools/kind/gate.sh). */
function kubectlPath(): string {
  const bin = process.env['KEYFLOW_KIND_BIN'];
  if (!bin || !process.env['KUBECONFIG']) {
    throw new Error('KF_KIND_NO_CLUSTER: these tests run inside tools/kind/gate.sh (npx nx e2e e2e-kind), which sets KUBECONFIG and KEYFLOW_KIND_BIN.');
  }
  return `${bin}/kubectl`;
}

/** Runs kubectl against the gate's cluster and returns its stdout; rejects with its stderr. */
export function kubectl(args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlPath(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`kubectl ${args.join(' ')} exited with ${String(code)}: ${err.trim()}`));
    });
    child.stdin.end(input ?? '');
  });
}

/** `kubectl apply` of YAML text. */
export function apply(yaml: string): Promise<string> {
  return kubectl(['apply', '-f', '-'], yaml);
}

/** Waits until a Deployment or StatefulSet has rolled out completely. */
export function rolledOut(resource: string, timeoutSeconds = 300): Promise<string> {
  return kubectl(['rollout', 'status', resource, `--timeout=${timeoutSeconds}s`]);
}

/** The names of the pods a label selector matches. */
export async function podNames(selector: string): Promise<string[]> {
  const out = await kubectl(['get', 'pods', '-l', selector, '-o', 'jsonpath={.items[*].metadata.name}']);
  return out.split(/\s+/).filter((name) => name !== '');
}

/** Deletes a pod at once, without a grace period: the cluster's kill -9. */
export function killPod(name: string): Promise<string> {
  return kubectl(['delete', 'pod', name, '--grace-period=0', '--force', '--wait=false']);
}
