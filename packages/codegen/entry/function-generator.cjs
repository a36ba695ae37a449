'use strict';
// `nx generate @keyflow/codegen:function` (generators.json).
module.exports = require('./load.cjs').loadCodegenModule('generators/function/generator');
