'use strict';
// Jovo's TestSuite (written for Jest) requires @jest/globals for its clean-up hooks. Under mocha the same
// hooks are mocha's own: afterEach is afterEach, afterAll is after.
module.exports = {
  afterEach: (fn) => globalThis.afterEach(fn),
  afterAll: (fn) => globalThis.after(fn),
};
