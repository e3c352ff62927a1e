/**
 * Test environment of the `emulator` project. After every hook of a test file has run, it deletes
 * the firebase-admin apps the file created (their gRPC channels and HTTP agents would otherwise
 * keep the worker alive and jest would never exit). A setup-file `afterAll` cannot do this: it
 * would run before the test file's own `afterAll` hooks, which still use the apps.
 */
const { TestEnvironment } = require('jest-environment-node');

class EmulatorEnvironment extends TestEnvironment {
  async teardown() {
    const release = this.global.__releaseFirebaseApps;
    if (typeof release === 'function') await release();
    await super.teardown();
  }
}

module.exports = EmulatorEnvironment;
