import { parseModule } from '../module-loader';
import { moduleErrorOf, problemLines, yaml } from '../../test-support/module-test-helpers';

describe('io.keyflow.endpoints.v1/embedded', () => {
  it('resolves the module path next to the module file, and keeps absolute paths', () => {
    const text = (module: string): string => yaml('kind: io.keyflow.endpoints.v1/embedded', 'spec:', '  functions: example/*', `  module: ${module}`);
    expect(parseModule(text('../fns/index.ts'), '/app/conf/module.yaml').endpoints[0]).toMatchObject({ modulePath: '/app/fns/index.ts' });
    expect(parseModule(text('/opt/fns.js'), '/app/conf/module.yaml').endpoints[0]).toMatchObject({ modulePath: '/opt/fns.js' });
  });

  it('needs functions and a module', () => {
    const text = yaml('kind: io.keyflow.endpoints.v1/embedded', 'spec:', '  maxNumBatchRequests: 5');
    expect(problemLines(moduleErrorOf(() => parseModule(text, '/app/module.yaml')))).toEqual([
      'module.yaml:2 spec.functions',
      'module.yaml:2 spec.module',
    ]);
  });
});
