import { EchoControls } from './echo-controls';
import { useEcho } from './echo-store';
import { comparedRuns, shownRun } from './echo-state';
import { RunCompare } from './run-compare';
import { RunHistory } from './run-history';
import { NoRunYet, RunView } from './run-view';

/** The Echo tab: the form, then the shown run (or two compared) beside the session's runs. */
export function EchoTool() {
  const run = useEcho(shownRun);
  const compare = useEcho((s) => s.compare);
  const runs = useEcho((s) => s.runs);
  const pair = compare.length === 2 ? comparedRuns({ compare, runs }) : null;
  return (
    <>
      <EchoControls />
      <div className="echo-results">
        <div className="echo-main">
          {pair ? <RunCompare runs={pair} /> : run ? <RunView run={run} /> : <NoRunYet />}
        </div>
        <RunHistory />
      </div>
    </>
  );
}
