import { beforeEach, describe, expect, it, vi } from 'vitest';
import { runBiasDemo } from '../../engine/deepLinear';

const api = vi.hoisted(() => ({ startBiasDemo: vi.fn(async (_id: number, s: object) => s), stopBiasDemo: vi.fn(async () => undefined) }));
vi.mock('../workerLine', () => ({ workerApi: () => api }));

const { handleBiasDemoEvent, useBiasDemo } = await import('./state');
const { addFeature, removeFeature, restartBiasDemo, setFeature, stopBiasDemo } = await import('./commands');

beforeEach(() => {
  api.startBiasDemo.mockClear();
  api.stopBiasDemo.mockClear();
});

describe('bias demo store', () => {
  it('starts the pair with the form\'s features and depth, each restart under a new id; an older demo\'s events are dropped', async () => {
    await restartBiasDemo([{ lambda: 1, rho: 0.5 }, { lambda: 0.5, rho: 0.9 }], 4);
    const first = useBiasDemo.getState().demoId;
    expect(api.startBiasDemo).toHaveBeenLastCalledWith(first, { lambdas: [1, 0.5], rhos: [0.5, 0.9], depth: 4 });
    setFeature(1, { lambda: 0.5, rho: 0.8 });
    await vi.waitFor(() => expect(api.startBiasDemo).toHaveBeenCalledTimes(2));
    const second = useBiasDemo.getState().demoId;
    expect(second).toBeGreaterThan(first);
    expect(api.startBiasDemo).toHaveBeenLastCalledWith(second, { lambdas: [1, 0.5], rhos: [0.5, 0.8], depth: 4 });
    const result = runBiasDemo({ depth: 1 });
    handleBiasDemoEvent({ type: 'bias-demo', demoId: first, result, done: true, ms: 5 });
    expect(useBiasDemo.getState().result).toBeNull();
    handleBiasDemoEvent({ type: 'bias-demo', demoId: second, result, done: true, ms: 5 });
    expect(useBiasDemo.getState()).toMatchObject({ result, done: true, ms: 5 });
    stopBiasDemo(); // done: nothing to stop
    expect(api.stopBiasDemo).not.toHaveBeenCalled();
  });

  it('refuses a bad λ, ρ or depth with the field named, without sending it (the running pair goes on)', async () => {
    await restartBiasDemo([{ lambda: 1, rho: 0.5 }], 2);
    const id = useBiasDemo.getState().demoId;
    api.startBiasDemo.mockClear();
    await restartBiasDemo([{ lambda: 1, rho: 1.5 }], 2);
    expect(useBiasDemo.getState()).toMatchObject({ demoId: id, errorField: 'rhos' });
    expect(useBiasDemo.getState().error).toMatch(/^rhos: feature 1: ρ must be in \(0, 1\]/);
    await restartBiasDemo([{ lambda: -1, rho: 0.5 }], 2);
    expect(useBiasDemo.getState().errorField).toBe('lambdas');
    await restartBiasDemo([{ lambda: 1, rho: 0.5 }], 6);
    expect(useBiasDemo.getState().error).toMatch(/^depth: expected a whole number from 1 to 5, got 6/);
    expect(api.startBiasDemo).not.toHaveBeenCalled();
    // Fixed: it starts again, and the error goes.
    await restartBiasDemo([{ lambda: 1, rho: 0.5 }], 5);
    expect(useBiasDemo.getState()).toMatchObject({ error: null, errorField: null, depth: 5 });
    expect(api.startBiasDemo).toHaveBeenCalledTimes(1);
  });

  it('adds and removes features (at least one), and shows a worker error of the demo running', async () => {
    await restartBiasDemo([{ lambda: 1, rho: 0.5 }], 3);
    addFeature();
    await vi.waitFor(() => expect(useBiasDemo.getState().features).toHaveLength(2));
    removeFeature(0);
    await vi.waitFor(() => expect(useBiasDemo.getState().features).toEqual([{ lambda: 0.25, rho: 0.7 }]));
    removeFeature(0); // the last one stays
    expect(useBiasDemo.getState().features).toHaveLength(1);
    await vi.waitFor(() => expect(api.startBiasDemo).toHaveBeenCalledTimes(3));
    const id = useBiasDemo.getState().demoId;
    handleBiasDemoEvent({ type: 'bias-demo-error', demoId: id, message: 'lr: diverged', field: 'lr' });
    expect(useBiasDemo.getState()).toMatchObject({ error: 'lr: diverged', errorField: 'lr', done: true });
  });
});
