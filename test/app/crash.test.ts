// Tier 2: the worker acknowledges only after the work is done; a SIGKILL mid-task loses nothing,
// and SIGTERM lets the task in hand finish before the worker exits 0.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pollUntil } from '../helpers/proc.js';
import { api, startStack, waitTask, type Stack } from './stack.js';

const workerPid = (s: Stack) => Number(readFileSync(join(s.dir, 'worker/supervise/pid'), 'utf8').trim());

describe('worker crashes and stops', () => {
  it('runs a task again after the worker is SIGKILLed mid-task, and records it done exactly once', async () => {
    const s = await startStack();
    const { body } = await api(s, '/api/tasks', { kind: 'long', args: { steps: 10, stepMs: 100 } });
    await waitTask(s, body.id, (t) => t.state === 'running' && t.progress >= 20);
    const pid = workerPid(s);
    process.kill(pid, 'SIGKILL');
    await s.up.waitEvent('started', 'worker', 2);
    const done = await waitTask(s, body.id, (t) => t.state === 'done');
    expect(done).toMatchObject({ attempts: 2, completions: 1, result: { steps: 10 } });
    // the worker logs after recording: its line may still be on its way through svrun
    const doneLines = () => s.up.output().match(new RegExp(`"taskId":"${body.id}"[^\\n]*"msg":"task done"`, 'g')) ?? [];
    await s.up.waitUntil(() => doneLines().length >= 1, 'the task done log line');
    expect(doneLines()).toHaveLength(1);
    // nothing left in the queue
    await pollUntil(async () => /^app_queue_depth 0$/m.test(await (await fetch(`${s.url}/metrics`)).text()), 5000, 'empty queue');
  });

  it('finishes the task in hand on SIGTERM, then exits 0', async () => {
    const s = await startStack();
    const { body } = await api(s, '/api/tasks', { kind: 'long', args: { steps: 8, stepMs: 100 } });
    await waitTask(s, body.id, (t) => t.state === 'running' && t.progress > 0);
    process.kill(workerPid(s), 'SIGTERM');
    const exited = await s.up.waitEvent('exited', 'worker');
    expect(exited.code).toBe(0);
    const t = (await api(s, `/api/tasks/${body.id}`)).body;
    expect(t).toMatchObject({ state: 'done', attempts: 1, completions: 1 });
  });
});
