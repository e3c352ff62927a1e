/**
 * Two projects: `unit` needs nothing running; `emulator` needs the local stack
 * (`npm test` starts it once around the whole run, see scripts/stack.ts).
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }];

/** @type {import('jest').Config} */
module.exports = {
  // Top level on purpose: jest-circus ignores a per-project testTimeout. Emulator round trips
  // (triggers, token minting) need far more than the 5 s default on a loaded 2-core machine.
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/closingLineReporter.js'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'emulator',
      testEnvironment: '<rootDir>/test/support/emulatorEnvironment.js',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/emulator/**/*.emulator.test.ts'],
      setupFiles: ['<rootDir>/test/support/requireStack.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/releaseFirebaseApps.ts'],
    },
  ],
};
