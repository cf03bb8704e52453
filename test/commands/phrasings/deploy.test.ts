import { DEPLOY_CASES, DECISION_CASES } from './deploy-cases';
import { describePhrasings } from './phrasing-table';

describePhrasings('deploy, approve and reject', [...DEPLOY_CASES, ...DECISION_CASES]);
