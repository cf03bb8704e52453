import { MESSY_CASES } from './messy-cases';
import { describePhrasings } from './phrasing-table';

describePhrasings('messy typing', [...MESSY_CASES]);
