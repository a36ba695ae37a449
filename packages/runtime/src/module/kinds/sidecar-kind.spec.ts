import { parseModule } from '../module-loader';
import { moduleErrorOf, problemLines, yaml } from '../../test-support/module-test-helpers';

const sidecar = (...spec: string[]): string => yaml('kind: io.keyflow.process.v1/sidecar', 'spec:', '  id: fns', ...spec);

describe('io.keyflow.process.v1/sidecar', () => {
  it('takes a command list as is, arguments with spaces included', () => {
    const [config] = parseModule(sidecar('  command: [node, "my script.js"]'), '/app/module.yaml').sidecars;
    expect(config?.command).toEqual(['node', 'my script.js']);
  });

  it('reads env values as strings, and accepts StateFun’s list form', () => {
    const [config] = parseModule(sidecar('  command: node', '  env:', '    - PORT: 8000', '    - DEBUG: true'), '/app/module.yaml').sidecars;
    expect(config?.env).toEqual({ PORT: '8000', DEBUG: 'true' });
  });

  it('reports only the missing spec, not every setting in it', () => {
    const error = moduleErrorOf(() => parseModule(yaml('kind: io.keyflow.process.v1/sidecar'), '/app/module.yaml'));
    expect(problemLines(error)).toEqual(['module.yaml:1 spec']);
  });

  it.each([
    ['a missing command', [], 'module.yaml:2 spec.command'],
    ['a blank command', ['  command: "   "'], 'module.yaml:4 spec.command'],
    ['an empty command list', ['  command: []'], 'module.yaml:4 spec.command'],
    ['a zero start timeout', ['  command: node', '  startTimeout: 0ms'], 'module.yaml:5 spec.startTimeout'],
  ])('refuses %s', (_what, lines, problem) => {
    expect(problemLines(moduleErrorOf(() => parseModule(sidecar(...lines), '/app/module.yaml')))).toEqual([problem]);
  });
});
