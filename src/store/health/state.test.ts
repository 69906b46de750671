import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig, modelDims, parseConfig } from '../../engine/config';
import type { HealthPoint } from '../../worker/protocol';
import { handleHealthEvent, PAGE_HEALTH_EVERY, resumedHealth, useHealth, withPageHealthDefault, withPoint } from './state';
import { showRun } from '../dispatch';
import { initialState, useLab } from '../run/state';

const config = defaultConfig();
const run = (runId: string) => ({ runId, config, dims: modelDims(config), paramCount: 1, trainSize: 10, testSize: 2 });
const stats = (rankMe: number) => ({ stdMean: 0.4, stdMin: 0.1, rankMe, rows: 2048, dim: 64 });
const point = (step: number, rankMe = 10): HealthPoint => ({ step, target: stats(rankMe) });

afterEach(() => useLab.setState(initialState()));

describe('health store', () => {
  it('keeps the shown run\'s points in step order, one per step; drops another run\'s; a rollback cuts them back', () => {
    showRun({ run: run('a') });
    for (const s of [0, 20, 40]) handleHealthEvent({ type: 'health', runId: 'a', point: point(s) });
    handleHealthEvent({ type: 'health', runId: 'a', point: point(20, 3) }); // measured again at 20
    handleHealthEvent({ type: 'health', runId: 'old', point: point(60) }); // a replaced run
    expect(useHealth.getState().points.map((p) => [p.step, p.target.rankMe])).toEqual([[0, 10], [20, 3], [40, 10]]);
    handleHealthEvent({ type: 'rollback', runId: 'a', step: 20, reason: 'diverged', message: '', hyper: { lambda: 1, beta: 0, lr: 1e-3 } });
    expect(useHealth.getState().points.map((p) => p.step)).toEqual([0, 20]);
    handleHealthEvent({ type: 'health-error', runId: 'a', step: 40, message: 'no device' });
    expect(useHealth.getState().error).toBe('Health at step 40 could not be measured: no device');
  });

  it('a new run starts empty; a resumed run gets its history back', () => {
    showRun({ run: run('a') });
    handleHealthEvent({ type: 'health', runId: 'a', point: point(0) });
    showRun({ run: run('b') });
    expect(useHealth.getState()).toMatchObject({ runId: 'b', points: [] });
    resumedHealth('b', [point(40), point(0)]);
    expect(useHealth.getState().points.map((p) => p.step)).toEqual([0, 40]);
    resumedHealth('b', undefined); // a checkpoint saved before health was kept
    expect(useHealth.getState().points).toEqual([]);
  });

  it('the page measures every PAGE_HEALTH_EVERY steps unless the address names an interval', () => {
    expect(withPageHealthDefault(config, '?preset=micro').healthEvery).toBe(PAGE_HEALTH_EVERY);
    const named = parseConfig({ ...config, healthEvery: 0 });
    expect(withPageHealthDefault(named, '?healthEvery=0').healthEvery).toBe(0);
    expect(withPoint([point(5)], point(1)).map((p) => p.step)).toEqual([1, 5]);
  });
});
