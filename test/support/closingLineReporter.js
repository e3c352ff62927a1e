/**
 * Prints one plain closing line, `tests: N passed, N failed`, after Jest's own summary, so tools
 * that read a run's last lines (CI) recognise that tests ran and how many. Jest runs its summary
 * reporter after custom ones and may end the process right after (`--forceExit`), so the line is
 * written when the process exits, straight to file descriptor 2 (the summary's stream): Jest's
 * exit helper turns `process.stderr.write` into a no-op before it exits.
 */
const { writeSync } = require('node:fs');

class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const counts = `${results.numPassedTests} passed, ${results.numFailedTests} failed`;
    const line = `tests: ${skipped > 0 ? `${counts}, ${skipped} skipped` : counts}\n`;
    process.once('exit', () => writeSync(2, line));
  }
}

module.exports = ClosingLineReporter;
