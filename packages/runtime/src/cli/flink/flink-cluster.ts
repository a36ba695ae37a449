import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FlinkErrorCodes } from './flink-error-codes';
import { runToolScript, toolScript } from './repo-tools';

/** A cluster that tools/flink/flink.sh started. */
export interface StartedCluster {
  readonly restUrl: string;
  readonly dir: string;
  readonly jobManagerPid: number;
}

/** Starts a session cluster in `dir`: one JobManager, `taskManagers` TaskManagers, each its own JVM. */
export async function startCluster(dir: string, taskManagers: number, slots: number, settings: readonly string[]): Promise<StartedCluster> {
  const args = ['start', '--dir', dir, '--taskmanagers', String(taskManagers), '--slots', String(slots), ...settings.flatMap((setting) => ['--set', setting])];
  const started = await runToolScript(toolScript('flink'), args, FlinkErrorCodes.CLUSTER_FAILED);
  return { restUrl: started['FLINK_REST'] ?? '', dir: started['FLINK_DIR'] ?? dir, jobManagerPid: Number(started['FLINK_JM_PID']) };
}

/** Starts one more TaskManager for the cluster of `dir`; resolves to its pid. */
export async function startTaskManager(dir: string): Promise<number> {
  const started = await runToolScript(toolScript('flink'), ['start-taskmanager', '--dir', dir], FlinkErrorCodes.CLUSTER_FAILED);
  return Number(started['FLINK_TM_PID']);
}

/** Stops the cluster of `dir` (TaskManagers, then the JobManager). */
export async function stopCluster(dir: string): Promise<void> {
  await runToolScript(toolScript('flink'), ['stop', '--dir', dir], FlinkErrorCodes.CLUSTER_FAILED);
}

/** The path of the StateFun job jar (installed on first use). */
export async function jobJarPath(): Promise<string> {
  const printed = await runToolScript(toolScript('flink'), ['job-jar'], FlinkErrorCodes.CLUSTER_FAILED);
  return printed['FLINK_JOB_JAR'] ?? '';
}

/** The TaskManagers of the cluster in `dir` whose pid files exist: file name → pid. */
export async function taskManagerPids(dir: string): Promise<Map<string, number>> {
  const pids = new Map<string, number>();
  const names = await readdir(join(dir, 'pids')).catch(() => [] as string[]);
  for (const name of names.filter((file) => /^taskmanager-\d+\.pid$/.test(file))) {
    const pid = Number((await readFile(join(dir, 'pids', name), 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0) pids.set(name, pid);
  }
  return pids;
}
