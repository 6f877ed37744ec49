// The server-rendered dashboard: recent tasks, a form to start one, the supervised services.
import type { TaskRecord } from '../store/store.js';
import { esc } from './html.js';
import type { ServiceView } from './services.js';

/** The tasks table body; also served alone (/fragments/tasks) for the page's refresh. */
export function taskRows(tasks: TaskRecord[]): string {
  if (tasks.length === 0) return '<tr><td colspan="6">no tasks yet</td></tr>';
  return tasks.map((t) => `<tr data-id="${esc(t.id)}" data-state="${esc(t.state)}">
<td><a href="/api/tasks/${esc(t.id)}">${esc(t.id.slice(0, 8))}</a></td><td>${esc(t.kind)}</td><td class="state">${esc(t.state)}</td>
<td><progress max="100" value="${esc(t.progress)}"></progress> ${esc(Math.round(t.progress))}%</td><td>${esc(t.attempts)}</td>
<td>${esc(t.error ?? (t.result === null ? '' : JSON.stringify(t.result)))}</td></tr>`).join('\n');
}

/** The whole page; a dead backend shows as a notice instead of the table. */
export function dashboard(opts: { tasks: TaskRecord[] | undefined; services: ServiceView[]; backends: Record<string, string> }): string {
  const services = opts.services.length === 0 ? '' : `<h2>Services</h2><table id="services"><tr><th>service</th><th>state</th><th>pid</th><th>restarts</th></tr>
${opts.services.map((s) => `<tr data-service="${esc(s.name)}"><td>${esc(s.name)}</td><td>${esc(s.stat)}</td><td>${esc(s.pid)}</td><td>${esc(s.extra.restarts ?? '')}</td></tr>`).join('\n')}</table>`;
  const tasks = opts.tasks === undefined
    ? '<p class="error">task store unavailable</p>'
    : `<table><thead><tr><th>id</th><th>kind</th><th>state</th><th>progress</th><th>tries</th><th>result</th></tr></thead><tbody id="tasks">${taskRows(opts.tasks)}</tbody></table>`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>svrun demo stack</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}.error{color:#b00}</style></head>
<body><h1>svrun demo stack</h1>
<p>backends: ${Object.entries(opts.backends).map(([k, v]) => `${esc(k)} <code>${esc(v)}</code>`).join(', ')} · <a href="/report">report (cached)</a> · <a href="/metrics">metrics</a></p>
<form method="post" action="/tasks"><label>kind <select name="kind">
<option value="long">long</option><option value="noop">noop</option><option value="report">report</option><option value="fail">fail</option></select></label>
<label>mode <select name="mode"><option value="applyAsync">applyAsync (queue)</option><option value="apply">apply (inline)</option></select></label>
<button type="submit">start task</button></form>
<h2>Recent tasks</h2>${tasks}
${services}
<script>
// refresh the task rows in place; a full reload would reset the form
setInterval(async () => {
  const r = await fetch('/fragments/tasks').catch(() => null);
  if (r && r.ok) document.getElementById('tasks').innerHTML = await r.text();
}, 500);
</script></body></html>`;
}
