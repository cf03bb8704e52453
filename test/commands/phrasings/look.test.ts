import { LOOK_CASES, LOCK_CASES, SUBSCRIPTION_CASES } from './look-cases';
import { describePhrasings } from './phrasing-table';

describePhrasings('status, lists, locks and subscriptions', [
  ...LOOK_CASES,
  ...LOCK_CASES,
  ...SUBSCRIPTION_CASES,
]);
