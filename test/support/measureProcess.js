/**
 * Preloaded with `node --require` into a CLI run by a test: at exit the process reports its own
 * elapsed time, CPU time and peak RSS on stderr, so a test can assert a time and memory ceiling
 * measured by the child rather than by the (loaded, shared) test runner.
 */
const { writeSync } = require('node:fs');

const started = process.hrtime.bigint();
process.on('exit', (code) => {
  const usage = process.resourceUsage();
  const measured = {
    code,
    elapsedMs: Number(process.hrtime.bigint() - started) / 1e6,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    maxRssMiB: usage.maxRSS / 1024,
  };
  writeSync(2, `\nMEASURED ${JSON.stringify(measured)}\n`);
});
