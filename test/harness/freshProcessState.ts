/**
 * Jest `setupFilesAfterEnv` module: every test starts as a fresh n8n process would, with no learned job
 * timings (job/readyTimes.ts), so that no test sees another's history. A test that needs some history
 * records it itself.
 */
import { useReadyTimeLearner } from '../../nodes/ModelsLab/job/readyTimes';

beforeEach(() => {
	useReadyTimeLearner();
});
