'use strict';
// Prints one plain closing line, `jest: N passed, N failed, N skipped`, after jest's own summary,
// so that CI logs carry a machine-readable count.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const line = `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped`;
    process.stdout.write(`\n${line}\n`);
  }
}
module.exports = SummaryReporter;
