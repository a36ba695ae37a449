'use strict';
// The Nx plugin (nx.json: "plugins": ["@keyflow/codegen/plugin"]): infers codegen targets.
const { createNodes } = require('./load.cjs').loadCodegenModule('plugin/create-nodes');

module.exports = { name: '@keyflow/codegen', createNodes, createNodesV2: createNodes };
