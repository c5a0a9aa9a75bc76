'use strict';
// One runner for the whole suite: TypeScript is loaded through tsx, test files mirror the source tree.
module.exports = {
  require: ['tsx/cjs', 'test/setup/root-hooks.ts'],
  extension: ['ts'],
  timeout: 20000,
  reporter: 'spec',
  exit: true,
};
