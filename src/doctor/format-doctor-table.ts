import type { DoctorCheck } from './run-doctor';

/**
 * The doctor's table for a terminal: one row per check, the fix under each failure, a summary.
 * @example formatDoctorTable([{ check: 'Project', ok: true, detail: 'DigitRE' }])
 */
export function formatDoctorTable(checks: readonly DoctorCheck[]): string {
  const width = Math.max(5, ...checks.map((c) => c.check.length));
  const lines = [`${'     '}  ${'Check'.padEnd(width)}  Detail`, `${'-'.repeat(width + 20)}`];
  for (const c of checks) {
    lines.push(`${c.ok ? ' ok  ' : ' FAIL'}  ${c.check.padEnd(width)}  ${c.detail}`);
    if (!c.ok && c.fix) lines.push(`${' '.repeat(width + 9)}fix: ${c.fix}`);
  }
  const failed = checks.filter((c) => !c.ok).length;
  lines.push(
    '',
    failed === 0
      ? `All ${checks.length} checks passed.`
      : `${failed} of ${checks.length} checks failed.`,
  );
  return lines.join('\n');
}
