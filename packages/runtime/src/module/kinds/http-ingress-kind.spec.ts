import { parseModule } from '../module-loader';
import { moduleErrorOf, problemLines, yaml } from '../../test-support/module-test-helpers';

const ingress = (...spec: string[]): string => yaml('kind: io.keyflow.http.v1/ingress', 'spec:', '  id: example/in', ...spec);

describe('io.keyflow.http.v1/ingress', () => {
  it('needs a port and at least one route', () => {
    expect(problemLines(moduleErrorOf(() => parseModule(ingress(), '/m/module.yaml')))).toEqual([
      'module.yaml:2 spec.port',
      'module.yaml:2 spec.routes',
    ]);
    expect(problemLines(moduleErrorOf(() => parseModule(ingress('  port: 1', '  routes: []'), '/m/module.yaml')))).toEqual([
      'module.yaml:5 spec.routes',
    ]);
  });

  it('refuses route paths with a query or spaces, and unknown route keys', () => {
    const text = ingress(
      '  port: 8090', // 4
      '  routes:', // 5
      '    - path: /greet?x=1', // 6
      '      valueType: example/V', // 7
      '      targets: [example/f]', // 8
      '      target: example/g', // 9
    );
    expect(problemLines(moduleErrorOf(() => parseModule(text, '/m/module.yaml')))).toEqual([
      'module.yaml:6 spec.routes[0].path',
      'module.yaml:9 spec.routes[0].target',
    ]);
  });

  it('lets two ingresses share a port on different hosts', () => {
    const text = [
      ingress('  host: 127.0.0.1', '  port: 8090', '  routes: [{ path: /a, valueType: e/V, targets: [e/f] }]'),
      '---\n',
      ingress('  host: 10.0.0.1', '  port: 8090', '  routes: [{ path: /a, valueType: e/V, targets: [e/f] }]').replace('example/in', 'example/in2'),
    ].join('');
    expect(parseModule(text, '/m/module.yaml').httpIngresses.map((i) => `${i.host}:${i.port}`)).toEqual(['127.0.0.1:8090', '10.0.0.1:8090']);
  });

  it('reads a route format of json or bytes, and refuses any other', () => {
    const routes = '  routes: [{ path: /a, valueType: e/V, targets: [e/f], format: json }, { path: /b, valueType: e/V, targets: [e/f] }]';
    expect(parseModule(ingress('  port: 8090', routes), '/m/module.yaml').httpIngresses[0]?.routes.map((route) => route.format)).toEqual(['json', undefined]);
    const wrong = ingress('  port: 8090', '  routes: [{ path: /a, valueType: e/V, targets: [e/f], format: xml }]');
    expect(problemLines(moduleErrorOf(() => parseModule(wrong, '/m/module.yaml')))).toEqual(['module.yaml:5 spec.routes[0].format']);
  });

  it("reads a route's auth from an environment variable or a file next to the module, and refuses neither or both", () => {
    const routes = [
      '  routes:',
      '    - { path: /a, valueType: e/V, targets: [e/f], auth: { tokensEnv: A_TOKENS } }',
      '    - { path: /b, valueType: e/V, targets: [e/f], auth: { tokensFile: ./b.tokens } }',
      '    - { path: /c, valueType: e/V, targets: [e/f] }',
    ];
    const parsed = parseModule(ingress('  port: 8090', ...routes), '/m/module.yaml').httpIngresses[0]?.routes.map((route) => route.auth);
    expect(parsed).toEqual([
      { tokensEnv: 'A_TOKENS', source: { file: '/m/module.yaml', line: 6 } },
      { tokensFile: '/m/b.tokens', source: { file: '/m/module.yaml', line: 7 } },
      undefined,
    ]);
    const neither = ingress('  port: 8090', '  routes: [{ path: /a, valueType: e/V, targets: [e/f], auth: {} }]');
    expect(problemLines(moduleErrorOf(() => parseModule(neither, '/m/module.yaml')))).toEqual(['module.yaml:5 spec.routes[0].auth']);
    const both = ingress('  port: 8090', '  routes: [{ path: /a, valueType: e/V, targets: [e/f], auth: { tokensEnv: A, tokensFile: ./a } }]');
    expect(problemLines(moduleErrorOf(() => parseModule(both, '/m/module.yaml')))).toEqual(['module.yaml:5 spec.routes[0].auth']);
  });
});
