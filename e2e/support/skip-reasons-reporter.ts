import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/**
 * The list reporter shows a skipped test as "-" with no reason. This prints, after the summary,
 * why tests were skipped ("no Electron binary: ...", "network namespaces need root"), so a CI log
 * never leaves a skipped suite looking like a passed one.
 */
export default class SkipReasonsReporter implements Reporter {
  private readonly reasons = new Map<string, string[]>();

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status !== 'skipped') return;
    const why =
      [...result.annotations, ...test.annotations].find((a) => a.type === 'skip')?.description ??
      // Playwright skips the rest of a serial group after a failure, without an annotation.
      'not run: an earlier test of its serial group failed';
    const project = test.parent.project()?.name ?? '';
    const key = `${project ? `[${project}] ` : ''}${why}`;
    const titles = this.reasons.get(key) ?? [];
    titles.push(test.title);
    this.reasons.set(key, titles);
  }

  onEnd(): void {
    if (this.reasons.size === 0) return;
    console.log('\nSkipped, and why:');
    for (const [why, titles] of this.reasons) {
      console.log(`  ${titles.length} test${titles.length === 1 ? '' : 's'}: ${why}`);
    }
  }

  printsToStdio(): boolean {
    return false;
  }
}
