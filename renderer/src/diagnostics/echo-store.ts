import i18next from 'i18next';
import type { EchoStarted, NetworkChange, PigeonApi } from '../../../shared/contract';
import { notify, setView, store as appStore } from '../store/app-store';
import { createStore, useStore } from '../store/create-store';
import { checkEchoForm, echoRequest, resolveTarget } from './echo-form';
import { errorText, problemText } from './problem-text';
import type { EchoForm, FormErrors } from './echo-form';
import {
  addRun,
  applyDone,
  applyProgress,
  applySweepStep,
  initialSession,
  newRun,
  runningRun,
  showRun,
  toggleCompare,
} from './echo-state';
import type { EchoSession, Tool } from './echo-state';

/**
 * The echo panel's state and its calls to the engine. The session outlives the panel (switching
 * to Chats and back keeps the runs), and echo events are subscribed once, when the app connects.
 */
export const echoStore = createStore<EchoSession>(initialSession);

export function useEcho<T>(selector: (s: EchoSession) => T): T {
  return useStore(echoStore, selector);
}

let api: PigeonApi | null = null;

/**
 * A run began, in this window or another: the engine tells it before any progress, so progress
 * and the result always find their run.
 */
function onStarted(e: EchoStarted): void {
  const to = `${e.target.address}:${e.target.port}`;
  const params = {
    mode: e.mode,
    count: e.count,
    intervalMs: e.intervalMs,
    size: e.size,
    timeoutMs: e.timeoutMs,
    probeBack: e.probeBack,
  };
  echoStore.set((s) => addRun(s, newRun(e.runId, to, e.target.nick ?? null, params, e.startedAt)));
}

function onNetworkChanged(change: NetworkChange): void {
  void loadInterfaces();
  const what = [
    ...change.added.map((a) => i18next.t('diag.added', { what: a })),
    ...change.removed.map((a) => i18next.t('diag.removed', { what: a })),
  ].join(i18next.t('diag.listSeparator'));
  notify(
    'info',
    change.reason === 'resume'
      ? i18next.t('diag.resumed')
      : i18next.t('diag.networkChanged', { what: what || '–' }),
  );
}

/** Subscribes to echo and diagnostics events; called once with the app's API. */
export function attachDiagnostics(a: PigeonApi): void {
  api = a;
  a.on('echo:started', onStarted);
  a.on('echo:progress', (p) => echoStore.set((s) => applyProgress(s, p)));
  a.on('echo:done', (r) => echoStore.set((s) => applyDone(s, r)));
  a.on('echo:sweep-progress', (p) => echoStore.set((s) => applySweepStep(s, p)));
  a.on('diag:network-changed', onNetworkChanged);
}

function requireApi(): PigeonApi {
  if (!api) throw new Error('the Pigeon API is not connected');
  return api;
}

function peers() {
  return appStore.get().peers.values();
}

export function setTarget(target: string): void {
  echoStore.set((s) => (s.target === target ? s : { ...s, target }));
}

export function setTool(tool: Tool): void {
  echoStore.set((s) => (s.tool === tool ? s : { ...s, tool }));
}

export function setForm(patch: Partial<EchoForm>): void {
  echoStore.set((s) => ({ ...s, form: { ...s.form, ...patch } }));
}

export function setRedact(redact: boolean): void {
  echoStore.set((s) => ({ ...s, redact }));
}

export function selectRun(runId: string): void {
  echoStore.set((s) => showRun(s, runId));
}

export function pickForCompare(runId: string): void {
  echoStore.set((s) => toggleCompare(s, runId));
}

export function clearCompare(): void {
  echoStore.set((s) => ({ ...s, compare: [] }));
}

/** Starts an echo run with the form's values; returns the form's errors (empty when started). */
export async function startEcho(): Promise<FormErrors> {
  const s = echoStore.get();
  const target = resolveTarget(s.target, peers());
  const checked = checkEchoForm(s.form);
  const errors: FormErrors = { ...checked.errors };
  if ('error' in target) errors.target = target.error;
  if (!checked.params || 'error' in target) return errors;
  const r = await requireApi().echo.start(echoRequest(target.to, checked.params));
  if (!r.ok) {
    notify('error', errorText(r.error));
    return {};
  }
  // The run itself arrived as echo:started; this window shows it.
  echoStore.set((st) => showRun({ ...st, tool: 'echo' }, r.value.runId));
  return {};
}

export async function stopEcho(): Promise<void> {
  const run = runningRun(echoStore.get());
  if (run) await requireApi().echo.stop({ runId: run.runId });
}

function targetOrError(): { to: string } | null {
  const t = resolveTarget(echoStore.get().target, peers());
  if ('error' in t) {
    notify('error', i18next.t(t.error.key, t.error.values));
    return null;
  }
  return { to: t.to };
}

export async function runSweep(): Promise<void> {
  const target = targetOrError();
  if (!target) return;
  const mode = echoStore.get().form.mode === 'raw' ? 'raw' : 'pigeon';
  echoStore.set((s) => ({
    ...s,
    tool: 'sweep',
    sweep: { state: 'running', to: target.to, startedAt: Date.now() },
    sweepSteps: [],
    sweepRunId: null,
  }));
  const r = await requireApi().echo.sweep({ to: target.to, mode });
  echoStore.set((s) => ({
    ...s,
    sweep: r.ok
      ? r.value.state === 'failed'
        ? {
            state: 'failed',
            to: target.to,
            error: problemText(r.value.problem, r.value.error ?? ''),
          }
        : { state: 'done', to: target.to, result: r.value }
      : { state: 'failed', to: target.to, error: errorText(r.error) },
    sweepRunId: null,
  }));
}

export async function stopSweep(): Promise<void> {
  const id = echoStore.get().sweepRunId;
  if (id) await requireApi().echo.stop({ runId: id });
}

export async function runReach(mode: 'pigeon' | 'ipmsg'): Promise<void> {
  echoStore.set((s) => ({
    ...s,
    tool: 'reach',
    reach: { state: 'running', to: mode, startedAt: Date.now() },
  }));
  const r = await requireApi().echo.reach({ mode });
  echoStore.set((s) => ({
    ...s,
    reach: r.ok
      ? r.value.state === 'failed'
        ? { state: 'failed', to: mode, error: problemText(r.value.problem, r.value.error ?? '') }
        : { state: 'done', to: mode, result: r.value }
      : { state: 'failed', to: mode, error: errorText(r.error) },
  }));
}

export async function runDoctor(): Promise<void> {
  const target = targetOrError();
  if (!target) return;
  echoStore.set((s) => ({
    ...s,
    tool: 'doctor',
    doctor: { state: 'running', to: target.to, startedAt: Date.now() },
  }));
  const r = await requireApi().diag.doctor({ to: target.to });
  echoStore.set((s) => ({
    ...s,
    doctor: r.ok
      ? { state: 'done', to: target.to, result: r.value }
      : { state: 'failed', to: target.to, error: errorText(r.error) },
  }));
}

/** "Why can't I see …?" on a peer: opens the panel on the doctor, checking that peer. */
export function diagnosePeer(peerId: string): void {
  echoStore.set((s) => ({ ...s, target: peerId, tool: 'doctor' }));
  setView('echo');
  if (echoStore.get().doctor.state !== 'running') void runDoctor();
}

export async function loadInterfaces(): Promise<void> {
  if (!api) return;
  const r = await api.diag.interfaces();
  if (r.ok) echoStore.set((s) => ({ ...s, interfaces: r.value }));
}

/**
 * The diagnostics bundle on the clipboard. Returns the text when the clipboard refused it (the
 * page lacks focus or permission), so the caller can show it for copying by hand.
 */
export async function copyDiagnostics(): Promise<{ copied: boolean; text: string } | null> {
  const r = await requireApi().diag.bundle({ redact: echoStore.get().redact });
  if (!r.ok) {
    notify('error', r.error.message);
    return null;
  }
  try {
    await navigator.clipboard.writeText(r.value.text);
    notify('info', i18next.t('diag.copied'));
    return { copied: true, text: r.value.text };
  } catch {
    return { copied: false, text: r.value.text };
  }
}
