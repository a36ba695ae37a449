/**
 * The kind gate's tests. Run only by tools/kind/gate.sh (`npx nx e2e e2e-kind`), which
 * creates the cluster they need; not part of `npm test`.
 * @type {import('jest').Config}
 */
module.exports = {
  ...require('../jest.preset.cjs'),
  displayName: 'e2e-kind',
  rootDir: __dirname,
  testTimeout: 600_000,
};
