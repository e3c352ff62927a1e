// @ts-check
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['lib/**', 'node_modules/**', 'coverage/**', '.stack/**', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // CLI, local-stack scripts and benchmarks talk to a terminal on purpose.
    files: ['scripts/**/*.ts', 'bench/**/*.ts', 'functions/cli/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
