'use strict';
// `@keyflow/codegen:serve` (executors.json).
module.exports = require('./load.cjs').loadCodegenModule('executors/serve/executor');
