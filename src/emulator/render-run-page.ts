import type { Definition, EmulatedRun } from './model';
import { adoDate } from './ids';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function outcome(state: string, result: string | undefined, waiting = false): string {
  if (waiting) return 'waiting for approval';
  return state === 'completed' ? (result ?? 'completed') : state;
}

/**
 * The read-only page behind a run's `_links.web` in local mode, so "Open in Azure DevOps" opens
 * something real: the run, its stages, their tasks and each task's log lines.
 * @example renderRunPage(def, run).includes('<h1>')
 */
export function renderRunPage(def: Definition, run: EmulatedRun): string {
  const stages = run.stages
    .map((s) => {
      const tasks = s.tasks
        .map((t) => {
          const log = t.logId !== undefined ? run.logs.get(t.logId) : undefined;
          const lines = (log?.lines ?? []).map((l) => `${adoDate(l.at)} ${l.text}`).join('\n');
          return (
            `<li><strong>${esc(t.name)}</strong> — ${esc(outcome(t.state, t.result))}` +
            (lines ? `<pre>${esc(lines)}</pre>` : '') +
            (t.errorMessage ? `<p class="error">${esc(t.errorMessage)}</p>` : '') +
            '</li>'
          );
        })
        .join('');
      return (
        `<section><h2>${esc(s.displayName)} <small>(${esc(s.name)}${s.environment ? `, environment ${esc(s.environment)}` : ''})</small>` +
        ` — ${esc(outcome(s.state, s.rejected ? 'rejected' : s.result, s.waiting))}</h2><ul>${tasks}</ul></section>`
      );
    })
    .join('');
  const params = Object.entries(run.templateParameters)
    .map(([k, v]) => `<li>${esc(k)}: ${esc(v)}</li>`)
    .join('');
  return (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    `<title>${esc(def.name)} ${esc(run.buildNumber)}</title>` +
    '<style>body{font-family:sans-serif;margin:2em}pre{background:#f4f4f4;padding:.5em;white-space:pre-wrap}.error{color:#a00}</style>' +
    '</head><body>' +
    `<h1>${esc(def.name)} — run ${esc(run.buildNumber)}</h1>` +
    `<p>Status: <strong>${esc(outcome(run.status, run.result))}</strong> · branch ${esc(run.sourceBranch)} · requested by ${esc(run.requestedBy.displayName)} · queued ${esc(adoDate(run.queueTime))}</p>` +
    (params ? `<h3>Parameters</h3><ul>${params}</ul>` : '') +
    (run.tags.length ? `<p>Tags: ${run.tags.map(esc).join(', ')}</p>` : '') +
    stages +
    '<p><small>Served by the local Azure DevOps emulator (read-only).</small></p></body></html>'
  );
}
