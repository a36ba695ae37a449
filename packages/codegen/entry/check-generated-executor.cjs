'use strict';
// `@keyflow/codegen:check-generated` (executors.json).
module.exports = require('./load.cjs').loadCodegenModule('executors/check-generated/executor');
