// Learning rate and EMA momentum (the schedules as the loop used them), and images per second.
import { useMemo } from 'react';
import { THROUGHPUT_WINDOW } from '../engine/throughput';
import { useLab } from '../store/run/state';
import { thinnedColumnRows } from './chartData';
import { Chart, type LineSpec } from './ChartFrame';
import { SeriesFeed } from './seriesFeed';
import { useSeriesVersion } from './useSeries';
import type { StepScalars } from '../worker/protocol';

const SCHEDULE_LINES: LineSpec[] = [
  { key: 'lr', name: 'learning rate', color: '#1f77b4', width: 2, axis: 'left' },
  { key: 'ema', name: 'EMA momentum', color: '#ff7f0e', width: 2, axis: 'right' },
];
const SPEED_LINES: LineSpec[] = [{ key: 'ips', name: 'images/s', color: '#17becf', width: 1.5 }];

export function ScheduleChart() {
  const { version, ref } = useSeriesVersion();
  const marks = useLab((s) => s.marks);
  const feed = useMemo(() => new SeriesFeed<StepScalars>({ columns: [(m) => m.lr, (m) => m.ema] }), []);
  const rows = useMemo(
    () => thinnedColumnRows(feed.update(useLab.getState().metrics), ['lr', 'ema']),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [version, feed],
  );
  return <Chart title="Learning rate (left) and EMA momentum (right)" rows={rows} lines={SCHEDULE_LINES} marks={marks.filter((m) => m.changed.includes('lr'))} legend figureRef={ref} leftDigits={4} />;
}

export function ThroughputChart() {
  const { version, ref } = useSeriesVersion();
  const feed = useMemo(() => new SeriesFeed<StepScalars>({ columns: [(m) => m.imgPerSec] }), []);
  const rows = useMemo(
    () => thinnedColumnRows(feed.update(useLab.getState().metrics), ['ips']),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [version, feed],
  );
  return <Chart title={`Images per second (over the last ${THROUGHPUT_WINDOW} steps)`} rows={rows} lines={SPEED_LINES} figureRef={ref} />;
}
