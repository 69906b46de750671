import { BackendPanel } from './BackendPanel';
import { BiasDemoPanel } from './biasDemo/BiasDemoPanel';
import { HealthCharts } from './health/HealthCharts';
import { LatentsPanel } from './latents/LatentsPanel';
import { ReconstructionView } from './mae/ReconstructionView';
import { Controls } from './Controls';
import { CrossCheck } from './CrossCheck';
import { Exports } from './Exports';
import { HyperSliders } from './HyperSliders';
import { LossCharts } from './LossCharts';
import { LossSummary } from './LossSummary';
import { NormsChart, ZeroShareChart } from './NormsChart';
import { Notices } from './Notices';
import { ProbeChart } from './probe/ProbeChart';
import { ProbePanel } from './probe/ProbePanel';
import { ProjectorPanel } from './projector/ProjectorPanel';
import { RunButtons } from './RunButtons';
import { RunNotices, SavedLine } from './RunKeeping';
import { RunsPanel } from './runs/RunsPanel';
import { ScheduleChart, ThroughputChart } from './ScheduleCharts';
import { SharingRegion } from './sharing/SharingRegion';
import { StatusBar } from './StatusBar';
import { Shortcuts } from './shortcuts';
import { SweepPanel } from './sweep/SweepPanel';
import { TransferTable } from './transfer/TransferTable';
import { ViewPanel, ViewTabs } from './views/ViewTabs';
import { useLab } from '../store/run/state';

export function App() {
  const mode = useLab((s) => (s.run?.config ?? s.config).mode);
  const sparse = mode === 'sparse';
  return (
    <div className="app">
      <Shortcuts />
      <header>
        <h1>SparseJEPA Lab</h1>
        <BackendPanel />
      </header>
      <Notices />
      <RunNotices />
      <main>
        <aside>
          <RunButtons />
          <SavedLine />
          <HyperSliders />
          <ProbePanel />
          <Controls />
          <CrossCheck />
          <Exports />
        </aside>
        <section className="board">
          {/* The status line stays above the tabs: seen from every view. */}
          <StatusBar />
          <ViewTabs />
          <ViewPanel view="train">
            <LossSummary />
            <LossCharts />
            <ReconstructionView />
            <HealthCharts />
            <section className="chart-grid" aria-label="Weights and schedules">
              {sparse ? (
                <>
                  <NormsChart />
                  <ZeroShareChart />
                </>
              ) : (
                <p className="info">{mode === 'mae' ? 'MAE' : 'JEPA baseline'}: no sparse head, so no group norms.</p>
              )}
              <ScheduleChart />
              <ThroughputChart />
            </section>
          </ViewPanel>
          <ViewPanel view="latents">
            <SharingRegion />
            <LatentsPanel />
          </ViewPanel>
          <ViewPanel view="evaluate">
            <section className="chart-grid probe-charts">
              <ProbeChart />
            </section>
            <TransferTable />
            <ProjectorPanel />
          </ViewPanel>
          <ViewPanel view="runs">
            <RunsPanel />
            <SweepPanel />
          </ViewPanel>
          <ViewPanel view="theory">
            <BiasDemoPanel />
          </ViewPanel>
        </section>
      </main>
    </div>
  );
}
