import { expandUrlTemplate, parseEndpointUrl } from './endpoint-url';

describe('expandUrlTemplate', () => {
  test('replaces every {function.name} with the function name', () => {
    expect(expandUrlTemplate('https://fns.example.com/{function.name}', 'greeter')).toBe('https://fns.example.com/greeter');
    expect(expandUrlTemplate('http://h/{function.name}/x/{function.name}', 'cart')).toBe('http://h/cart/x/cart');
  });

  test('leaves a template without a placeholder, and other braces, alone', () => {
    expect(expandUrlTemplate('http://h:8000/statefun', 'greeter')).toBe('http://h:8000/statefun');
    expect(expandUrlTemplate('http://h/{function.namespace}', 'greeter')).toBe('http://h/{function.namespace}');
  });
});

describe('parseEndpointUrl', () => {
  test('http and https, with default and explicit ports and a query', () => {
    expect(parseEndpointUrl('http://fns:8000/statefun?a=1')).toEqual({
      href: 'http://fns:8000/statefun?a=1',
      tls: false,
      hostname: 'fns',
      port: 8000,
      socketPath: undefined,
      path: '/statefun?a=1',
    });
    expect(parseEndpointUrl('https://fns.example.com')).toMatchObject({ tls: true, port: 443, path: '/' });
    expect(parseEndpointUrl('http://[::1]:9000/x')).toMatchObject({ hostname: '::1', port: 9000, path: '/x' });
  });

  test("http+unix: the socket is the path up to the first '.sock' segment (StateFun's rule)", () => {
    expect(parseEndpointUrl('http+unix:///tmp/fns/functions.sock/statefun/v1')).toMatchObject({
      tls: false,
      socketPath: '/tmp/fns/functions.sock',
      path: '/statefun/v1',
    });
    expect(parseEndpointUrl('http+unix:///some/path.sock')).toMatchObject({ socketPath: '/some/path.sock', path: '/' });
    expect(parseEndpointUrl('https+unix:///uds.sock/path/of/url')).toMatchObject({
      tls: true,
      socketPath: '/uds.sock',
      path: '/path/of/url',
    });
    expect(parseEndpointUrl('http+unix:///run/a%20b.sock/x')).toMatchObject({ socketPath: '/run/a b.sock' });
  });

  test('rejects what it cannot route', () => {
    expect(() => parseEndpointUrl('ftp://fns/x')).toThrow(/unsupported scheme/);
    expect(() => parseEndpointUrl('not a url')).toThrow(/not a valid URL/);
    expect(() => parseEndpointUrl('http+unix:///some/path/hello')).toThrow(/\.sock/);
    expect(() => parseEndpointUrl('http+unix://host/a.sock/x')).toThrow(/names a host/);
  });
});
