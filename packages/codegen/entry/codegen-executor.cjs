'use strict';
// `@keyflow/codegen:codegen` (executors.json).
module.exports = require('./load.cjs').loadCodegenModule('executors/codegen/executor');
