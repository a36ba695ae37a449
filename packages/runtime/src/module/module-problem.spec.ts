// Every class of module.yaml problem, through parseModule on the fixtures under fixtures/invalid.
// Line numbers are contract: each test asserts `file:LINE:` of every problem.

import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { parseModule } from './module-loader';
import { type InvalidModuleError, formatModuleProblem } from './module-problem';
import { fixturePath, moduleErrorOf, parseFixture, problemLines, problemPositions, yaml } from '../test-support/module-test-helpers';

const invalid = (name: string): InvalidModuleError => moduleErrorOf(() => parseFixture(`invalid/${name}`));

describe('InvalidModuleError', () => {
  it('lists every problem as file:line:column: message, one per line, after a header', () => {
    const error = invalid('unknown-keys.yaml');
    const lines = error.message.split('\n');
    expect(lines[0]).toBe(`[KF_MODULE_INVALID] Invalid module file ${fixturePath('invalid/unknown-keys.yaml')} (4 problems); fix and start again:`);
    expect(lines.slice(1)).toEqual(error.problems.map(formatModuleProblem));
    expect(lines[1]).toMatch(/^\/.*unknown-keys\.yaml:2:1: spec\.urlPathTemplate is missing, expected an http:\/\//);
  });

  it('reports all problems of all documents of a file together, in file order', () => {
    const error = invalid('wrong-types.yaml');
    expect(error.code).toBe(RuntimeErrorCodes.MODULE_INVALID);
    expect(problemLines(error)).toEqual([
      'wrong-types.yaml:4 spec.port',
      'wrong-types.yaml:5 spec.host',
      'wrong-types.yaml:7 spec.routes[0].path',
      'wrong-types.yaml:9 spec.routes[0].targets',
      'wrong-types.yaml:10 spec.routes[1]',
      'wrong-types.yaml:11 spec.maxBodyBytes',
      'wrong-types.yaml:16 spec.command',
      'wrong-types.yaml:17 spec.env[0]',
      'wrong-types.yaml:17 spec.env[1]',
      'wrong-types.yaml:23 spec.deliverySemantic',
    ]);
  });
});

describe('problems in module files', () => {
  it('unknown kind: KF_MODULE_UNKNOWN_KIND, listing the known kinds and the likely one', () => {
    const error = invalid('unknown-kind.yaml');
    expect(error.code).toBe(RuntimeErrorCodes.MODULE_UNKNOWN_KIND);
    expect(problemPositions(error)).toEqual(['unknown-kind.yaml:6:7']);
    expect(error.message).toContain('kind "io.keyflow.file.v1/egres" is not a known kind');
    expect(error.message).toContain("(did you mean 'io.keyflow.file.v1/egress'?)");
    expect(error.message).toContain('io.statefun.endpoints.v2/http, io.statefun.endpoints.v1/http, io.keyflow.endpoints.v1/embedded');
  });

  it('an unknown kind wins the code over other problems of the load', () => {
    const text = yaml('kind: example/unknown', 'spec: {}', '---', 'kind: io.keyflow.file.v1/egress', 'spec: { id: nope }');
    const error = moduleErrorOf(() => parseModule(text, '/m/module.yaml'));
    expect(error.code).toBe(RuntimeErrorCodes.MODULE_UNKNOWN_KIND);
    expect(error.problems.map((p) => p.code)).toEqual([
      RuntimeErrorCodes.MODULE_UNKNOWN_KIND,
      RuntimeErrorCodes.MODULE_INVALID,
      RuntimeErrorCodes.MODULE_INVALID,
    ]);
  });

  it('unknown keys (typos) at every level, with a suggestion and the keys that are known', () => {
    const error = invalid('unknown-keys.yaml');
    expect(problemLines(error)).toEqual([
      'unknown-keys.yaml:2 spec.urlPathTemplate',
      'unknown-keys.yaml:4 spec.urlPathTempalte',
      'unknown-keys.yaml:6 spec.transport.cal',
      'unknown-keys.yaml:8 colour',
    ]);
    expect(error.message).toContain(
      "unknown-keys.yaml:4:3: spec.urlPathTempalte is not a known key (did you mean 'urlPathTemplate'?), expected one of: functions, urlPathTemplate",
    );
    expect(error.message).toContain("unknown-keys.yaml:6:5: spec.transport.cal is not a known key (did you mean 'call'?)");
    expect(error.message).toContain('unknown-keys.yaml:8:1: colour is not a known key, expected one of: kind, spec');
  });

  it('wrong types and out-of-range values, with the value as written and what was expected', () => {
    const message = invalid('wrong-types.yaml').message;
    expect(message).toContain('wrong-types.yaml:4:9: spec.port is 70000, expected an integer from 1 to 65535');
    expect(message).toContain('wrong-types.yaml:5:3: spec.host is a list, expected a host name or IP address');
    expect(message).toContain(`wrong-types.yaml:7:13: spec.routes[0].path is "greet", expected a URL path starting with '/'`);
    expect(message).toContain('wrong-types.yaml:9:7: spec.routes[0].targets is an empty list, expected a non-empty list of typenames');
    expect(message).toContain('wrong-types.yaml:10:7: spec.routes[1] is "just-a-string", expected a mapping');
    expect(message).toContain('wrong-types.yaml:11:17: spec.maxBodyBytes is "lots", expected an integer of at least 1');
    expect(message).toContain('wrong-types.yaml:16:3: spec.command is a mapping, expected a program and its arguments');
    expect(message).toContain(`wrong-types.yaml:23:21: spec.deliverySemantic is "exacly-once", expected one of 'none', 'at-least-once', 'exactly-once' (did you mean 'exactly-once'?)`);
  });

  it('bad durations', () => {
    const error = invalid('bad-durations.yaml');
    expect(problemLines(error)).toEqual([
      'bad-durations.yaml:6 spec.transport.call',
      'bad-durations.yaml:7 spec.transport.connect',
      'bad-durations.yaml:8 spec.transport.pool_ttl',
      'bad-durations.yaml:10 spec.transport.timeouts.read',
      'bad-durations.yaml:16 spec.startTimeout',
    ]);
    expect(error.message).toContain(`bad-durations.yaml:6:11: spec.transport.call is "1 minnn", expected a duration of at least 1ms, such as '100ms', '20s', '1m'`);
    expect(error.message).toContain('bad-durations.yaml:7:14: spec.transport.connect is "0s", expected a duration of at least 1ms');
  });

  it('bad typenames and function patterns', () => {
    const error = invalid('bad-typenames.yaml');
    expect(problemPositions(error)).toEqual([
      'bad-typenames.yaml:3:7',
      'bad-typenames.yaml:8:7',
      'bad-typenames.yaml:12:18',
      'bad-typenames.yaml:13:34',
      'bad-typenames.yaml:17:14',
    ]);
    expect(error.message).toContain(`bad-typenames.yaml:3:7: spec.id is "greetings", expected a typename <namespace>/<name>, e.g. 'example/greeter'`);
    expect(error.message).toContain('bad-typenames.yaml:13:34: spec.routes[0].targets[1] is "greeter", expected a typename');
    expect(error.message).toContain(`bad-typenames.yaml:17:14: spec.functions is "example/gr*", expected a function pattern '<namespace>/*' or '<namespace>/<name>'`);
  });

  it('bad URLs: scheme, placeholder, socket path, host, and TLS settings on plain http', () => {
    const error = invalid('bad-urls.yaml');
    expect(problemLines(error)).toEqual([
      'bad-urls.yaml:4 spec.urlPathTemplate',
      'bad-urls.yaml:9 spec.urlPathTemplate',
      'bad-urls.yaml:14 spec.urlPathTemplate',
      'bad-urls.yaml:19 spec.urlPathTemplate',
      'bad-urls.yaml:26 spec.transport.trust_cacerts',
    ]);
    expect(error.message).toContain('bad-urls.yaml:4:20: spec.urlPathTemplate is "ftp://fns/statefun", expected an http://, https://, http+unix:// or https+unix:// URL');
    expect(error.message).toContain('has the unknown placeholder {function.namespace}, expected only the placeholder {function.name}');
    expect(error.message).toContain('expected http+unix://<path of a socket file ending in .sock>/<url path>');
    expect(error.message).toContain('spec.transport.trust_cacerts is set but the endpoint URL is not https');
  });

  it('duplicates: endpoint patterns, egress and ingress ids, route paths, listen addresses', () => {
    const error = invalid('duplicates.yaml');
    expect(problemPositions(error)).toEqual([
      'duplicates.yaml:8:14',
      'duplicates.yaml:18:7',
      'duplicates.yaml:29:13',
      'duplicates.yaml:35:7',
      'duplicates.yaml:36:9',
    ]);
    expect(error.message).toContain('duplicates.yaml:8:14: spec.functions "example/*" is already served by the endpoint at line 3');
    expect(error.message).toContain('duplicates.yaml:18:7: spec.id "example/out" is already the id of the egress at line 13, expected a unique egress id');
    expect(error.message).toContain('duplicates.yaml:29:13: spec.routes[1].path "/a" is already routed at line 26');
    expect(error.message).toContain('duplicates.yaml:35:7: spec.id "example/in" is already the id of the ingress at line 23');
    expect(error.message).toContain('duplicates.yaml:36:9: spec.port 8090 (on 127.0.0.1) is already listened on by the HTTP ingress at line 24');
  });

  it('two sidecars with one id', () => {
    const text = yaml(
      'kind: io.keyflow.process.v1/sidecar', // 1
      'spec: { id: fns, command: a }', // 2
      '---', // 3
      'kind: io.keyflow.process.v1/sidecar', // 4
      'spec:', // 5
      '  id: fns', // 6
      '  command: b', // 7
    );
    expect(problemPositions(moduleErrorOf(() => parseModule(text, '/m/module.yaml')))).toEqual(['module.yaml:6:7']);
  });

  it('does not report stand-ins of invalid ids as duplicates of each other', () => {
    const text = yaml('kind: io.keyflow.file.v1/egress', 'spec: { id: 1, path: a }', '---', 'kind: io.keyflow.file.v1/egress', 'spec: { id: 2, path: b }');
    expect(problemLines(moduleErrorOf(() => parseModule(text, '/m/module.yaml')))).toEqual(['module.yaml:2 spec.id', 'module.yaml:5 spec.id']);
  });

  it("StateFun's old version: \"3.0\" format, with a message naming the format to use", () => {
    const error = invalid('legacy-v30.yaml');
    expect(problemPositions(error)).toEqual(['legacy-v30.yaml:1:1']);
    expect(error.message).toContain("expected StateFun's component format (3.1 and later): one YAML document per component, each with 'kind:' and 'spec:'");
  });

  it('documents that are not a mapping, lack a kind or a spec, or whose spec is not a mapping', () => {
    expect(problemLines(invalid('structure.yaml'))).toEqual([
      'structure.yaml:1 ',
      'structure.yaml:3 kind',
      'structure.yaml:6 spec',
      'structure.yaml:9 spec',
    ]);
  });

  it('YAML syntax errors, and duplicate keys, per document', () => {
    const error = invalid('not-yaml.yaml');
    expect(problemPositions(error)).toEqual(['not-yaml.yaml:5:1', 'not-yaml.yaml:10:3']);
    expect(error.message).toContain('not-yaml.yaml:10:3: invalid YAML: Map keys must be unique');
  });
});
