/**
 * Prints one plain closing line, `tests: N passed, N failed`, after Jest's own summary, so tools
 * that read a run's last lines (CI) recognise that tests ran and how many. Jest always runs its
 * summary reporter after custom ones, so the line is written one macrotask later, on the same
 * stream (stderr).
 */
class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const counts = `${results.numPassedTests} passed, ${results.numFailedTests} failed`;
    const line = `tests: ${skipped > 0 ? `${counts}, ${skipped} skipped` : counts}\n`;
    setImmediate(() => process.stderr.write(line));
  }
}

module.exports = ClosingLineReporter;
