import { logger, type ExecutorContext } from '@nx/devkit';
import { functionSource, inProject } from '../test-support/project-sources';
import { TempWorkspace } from '../test-support/temp-workspace';
import checkGeneratedExecutor from './check-generated/executor';
import codegenExecutor from './codegen/executor';
import type { CodegenExecutorSchema } from './codegen/schema';
import { isContinuousIntegration } from './run-project-codegen';

// File watching and buf are slow on a loaded machine.
jest.setTimeout(30_000);

describe('the codegen executors', () => {
  let workspace: TempWorkspace;
  let logs: string[];
  const savedCi = process.env['CI'];

  function contextFor(codegenOptions: CodegenExecutorSchema = {}): ExecutorContext {
    return {
      root: workspace.root,
      cwd: workspace.root,
      isVerbose: false,
      projectName: 'demo',
      projectsConfigurations: {
        version: 2,
        projects: { demo: { root: 'apps/demo', targets: { codegen: { executor: '@keyflow/codegen:codegen', options: codegenOptions } } } },
      },
    } as unknown as ExecutorContext;
  }

  async function runCodegenExecutor(options: CodegenExecutorSchema, context = contextFor(options)) {
    const results: { success: boolean }[] = [];
    for await (const result of codegenExecutor(options, context)) results.push(result);
    return results;
  }

  beforeEach(() => {
    delete process.env['CI'];
    workspace = new TempWorkspace();
    workspace.write(inProject({ 'src/functions/greeter.function.ts': functionSource('example/greeter', 'Greeter') }));
    logs = [];
    for (const level of ['info', 'error', 'warn'] as const) {
      jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void logs.push(`${level}: ${String(args[0])}`));
    }
  });
  afterEach(() => {
    workspace.remove();
    jest.restoreAllMocks();
    if (savedCi === undefined) delete process.env['CI'];
    else process.env['CI'] = savedCi;
  });

  it('codegen writes the files, and check-generated uses the codegen target’s options', async () => {
    expect(await runCodegenExecutor({ functionsPort: 9000 })).toEqual([{ success: true }]);
    expect(workspace.read('apps/demo/deploy/statefun/module.yaml')).toContain('urlPathTemplate: http://demo-functions:9000/statefun');
    expect(logs).toContain('info: codegen demo: 12 written, 0 deleted, 0 unchanged.');

    expect(await checkGeneratedExecutor({}, contextFor({ functionsPort: 9000 }))).toEqual({ success: true });
    expect(await checkGeneratedExecutor({}, contextFor({}))).toEqual({ success: false });
    expect(logs.join('\n')).toMatch(/Generated files of project demo are out of date:\n {2}stale: {4}apps\/demo\/deploy\/k8s\/functions-deployment\.yaml/);
  });

  it('checks instead of writing under CI, and fails on stale files', async () => {
    process.env['CI'] = 'true';
    expect(await runCodegenExecutor({})).toEqual([{ success: false }]);
    expect(workspace.exists('apps/demo/src/generated')).toBe(false);
    expect(await runCodegenExecutor({ check: false })).toEqual([{ success: true }]);
    expect(await runCodegenExecutor({})).toEqual([{ success: true }]);
  });

  it('fails with every source error, writing nothing', async () => {
    workspace.write(inProject({ 'src/functions/bad.function.ts': functionSource('nope', 'Bad') }));
    expect(await runCodegenExecutor({})).toEqual([{ success: false }]);
    expect(logs.some((line) => line.startsWith('error: apps/demo/src/functions/bad.function.ts:3:19 [KF_CODEGEN_INVALID_TYPENAME]'))).toBe(true);
    expect(workspace.exists('apps/demo/src/generated')).toBe(false);
  });

  it('in watch mode, regenerates after each change and yields (the hook for nx serve)', async () => {
    const iterator = codegenExecutor({ watch: true }, contextFor());
    expect((await iterator.next()).value).toEqual({ success: true });
    const next = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 100));
    workspace.write(inProject({ 'src/functions/inbox.function.ts': functionSource('example/inbox', 'Inbox') }));
    expect((await next).value).toEqual({ success: true });
    expect(workspace.read('apps/demo/src/generated/functions.generated.ts')).toContain('[Greeter, Inbox]');
    await iterator.return(undefined);
  });

  it('reads the CI variable the usual way', () => {
    expect(isContinuousIntegration({})).toBe(false);
    expect(isContinuousIntegration({ CI: 'false' })).toBe(false);
    expect(isContinuousIntegration({ CI: '0' })).toBe(false);
    expect(isContinuousIntegration({ CI: 'true' })).toBe(true);
    expect(isContinuousIntegration({ CI: '1' })).toBe(true);
  });
});
