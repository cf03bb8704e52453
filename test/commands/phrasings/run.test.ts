import { RUN_CASES } from './run-cases';
import { describePhrasings } from './phrasing-table';

describePhrasings('run and pipeline', [...RUN_CASES]);
