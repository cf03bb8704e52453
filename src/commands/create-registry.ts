import type { CommandRegistry } from './command-spec';
import { approveCommand, rejectCommand } from './handlers/approve';
import { auditCommand } from './handlers/audit';
import { withDeadLetters } from './handlers/dead-letters';
import { deployCommand } from './handlers/deploy';
import { doctorCommand } from './handlers/doctor';
import { helpCommand } from './handlers/help';
import { approvalsCommand, modelsCommand, pipelinesCommand, runsCommand } from './handlers/lists';
import { lockCommand, locksCommand, unlockCommand, wcidCommand } from './handlers/locks';
import { pipelineShortcut, runCommand } from './handlers/run';
import { cancelCommand } from './handlers/cancel';
import { logsCommand } from './handlers/logs';
import { retryCommand } from './handlers/retry';
import { rollbackCommand } from './handlers/rollback';
import { setupHooksCommand } from './handlers/setup-hooks';
import { statusCommand } from './handlers/status';
import {
  subscribeCommand,
  subscriptionsCommand,
  unsubscribeCommand,
} from './handlers/subscriptions';
import { whoamiCommand } from './handlers/whoami';

/**
 * The table of every chat command, in the order help lists them. Help text and the Teams
 * manifest's command list are generated from it.
 */
export function createRegistry(): CommandRegistry {
  return [
    deployCommand,
    approveCommand,
    rejectCommand,
    statusCommand,
    runsCommand,
    approvalsCommand,
    runCommand,
    pipelineShortcut({
      name: 'train',
      aliases: ['training'],
      pipelineKey: 'train',
      summary: 'Trains, evaluates and registers a new model version.',
      examples: ['train', 'train on feature/new-features'],
    }),
    pipelineShortcut({
      name: 'extract-prepare',
      aliases: ['extract', 'prepare'],
      pipelineKey: 'extract-prepare',
      summary: 'Ensures the Azure ML compute, publishes and runs the data preparation pipeline.',
      examples: ['extract-prepare', 'extract-prepare computeName=digitre-gpu'],
    }),
    pipelineShortcut({
      name: 'cleanup',
      aliases: ['clean-up'],
      pipelineKey: 'dev-cleanup',
      optionalWords: ['dev'],
      summary:
        'Deletes DEV deployments older than 24 hours now, instead of waiting for the schedule.',
      examples: ['cleanup dev', 'cleanup dev maxAgeHours=12'],
    }),
    pipelinesCommand,
    modelsCommand,
    logsCommand,
    cancelCommand,
    retryCommand,
    rollbackCommand,
    lockCommand,
    unlockCommand,
    locksCommand,
    wcidCommand,
    subscribeCommand,
    unsubscribeCommand,
    subscriptionsCommand,
    whoamiCommand,
    withDeadLetters(auditCommand),
    setupHooksCommand,
    doctorCommand,
    helpCommand,
  ];
}
