import type { CardDataMap, CardId } from '../../src/cards/card-data';
import { approvalFixtures } from './approval-fixtures';
import { confirmFixtures } from './confirm-fixtures';
import { dashboardFixtures } from './dashboard-fixtures';
import { RUN_FIXTURES, runStatusFixtures } from './run-fixtures';

/**
 * Realistic sample data for every card and every state, built through the same builders the
 * handlers use. Tests render all of them; the browser test screenshots them; docs show them.
 */

/**
 * Named sample data for every card. Every run state and approval state is covered.
 * @example renderCard('run-status', CARD_FIXTURES['run-status'].failed!)
 */
export const CARD_FIXTURES: { [K in CardId]: Record<string, CardDataMap[K]> } = {
  'run-status': runStatusFixtures(),
  approval: approvalFixtures(),
  dashboard: dashboardFixtures(),
  help: {
    all: {
      title: 'DigitRE ChatOps commands',
      intro:
        'Mention me in a channel or message me directly. Pipelines: extract-prepare, train, dev, dev-cleanup, qa, custom-qa, prod.',
      commands: [
        {
          usage: 'deploy <environment> [model v<N>] [branch <name>]',
          summary:
            'Deploys a registered model to dev, qa, custom-qa or prod (prod asks to confirm).',
          example: 'deploy custom-qa model v3',
          hasExample: true,
        },
        {
          usage: 'run <pipeline> [name=value ...]',
          summary: 'Queues a catalog pipeline with template parameters.',
          example: 'run train experimentName=digitre-estimation',
          hasExample: true,
        },
        {
          usage: 'approve <environment> [comment]',
          summary: 'Approves the pending approval for an environment.',
          example: 'approve prod QA looks good',
          hasExample: true,
        },
        {
          usage: 'status',
          summary: 'Every pipeline, pending approvals, locks and the DEV environment.',
          example: '',
          hasExample: false,
        },
      ],
      footer: 'Type help <command> for details.',
    },
  },
  confirm: confirmFixtures(),
  'usage-error': {
    'did-you-mean': {
      title: "I couldn't read that deploy command",
      problem: "'custmo-qa' is not an environment.",
      usage: 'deploy <environment> [model v<N>] [branch <name>]',
      example: 'deploy custom-qa model v3',
      hasExample: true,
      suggestions: ['deploy custom-qa model v3', 'deploy qa model v3'],
      hasSuggestions: true,
      suggestedCommands: ['deploy custom-qa model v3'],
      helpHint: 'Type help deploy for details.',
    },
    unknown: {
      title: "I didn't understand that",
      problem: "'frobnicate' is not a command.",
      usage: 'help [command]',
      example: '',
      hasExample: false,
      suggestions: [],
      hasSuggestions: false,
      suggestedCommands: [],
      helpHint: 'Type help to see every command.',
    },
  },
  list: {
    models: {
      title: 'Registered models',
      subtitle: 'From [ML]-Train-Evaluate-Register, newest first',
      columns: [
        { title: 'Version', width: 1 },
        { title: 'Run', width: 2 },
        { title: 'Registered', width: 3 },
      ],
      rows: [
        { cells: ['v3', '20261125.4', '2026-11-25 17:02 UTC'] },
        { cells: ['v2', '20261118.2', '2026-11-18 09:41 UTC'] },
      ],
      hasRows: true,
      emptyText: 'No model registered yet.',
      footer: 'Deploy one with: deploy custom-qa model v3',
    },
    'empty-locks': {
      title: 'Environment locks',
      subtitle: '',
      columns: [
        { title: 'Environment', width: 2 },
        { title: 'Locked by', width: 2 },
        { title: 'Reason', width: 4 },
      ],
      rows: [],
      hasRows: false,
      emptyText: 'No environment is locked.',
      footer: '',
    },
  },
  message: {
    good: {
      title: 'Locked',
      text: 'QA is locked for you: regression testing v3.',
      style: 'good',
      icon: '✅',
      facts: [],
      hasFacts: false,
      linkTitle: '',
      linkUrl: '',
      hasLink: false,
    },
    attention: {
      title: 'Not allowed',
      text: 'Only Production approvers can approve this run.',
      style: 'attention',
      icon: '⛔',
      facts: [{ title: 'Approvers', value: 'DevOps Lead, Release Manager' }],
      hasFacts: true,
      linkTitle: '',
      linkUrl: '',
      hasLink: false,
    },
    warning: {
      title: 'Azure DevOps is slow',
      text: 'Azure DevOps asked us to wait 30s; your run will be queued then.',
      style: 'warning',
      icon: '⚠️',
      facts: [],
      hasFacts: false,
      linkTitle: '',
      linkUrl: '',
      hasLink: false,
    },
    default: {
      title: 'Subscribed',
      text: 'This channel now hears about prod runs and approvals.',
      style: 'default',
      icon: 'ℹ️',
      facts: [{ title: 'Events', value: 'run completed, approval pending' }],
      hasFacts: true,
      linkTitle: 'Open pipeline',
      linkUrl: 'https://dev.azure.com/digitre/DigitRE/_build?definitionId=7',
      hasLink: true,
    },
  },
  notification: {
    'run-completed': {
      icon: '❌',
      title: 'Run failed',
      style: 'attention',
      summary: 'Deploy Production failed in task Deploy endpoint.',
      pipelineName: '[Manual]-[Prod]-deployment',
      runName: RUN_FIXTURES.failed.name,
      facts: [
        { title: 'Environment', value: 'Production' },
        { title: 'Requested by', value: 'Alex Wilber' },
        { title: 'Duration', value: '22m 0s' },
      ],
      hasFacts: true,
      timestamp: '2026-11-26 14:27 UTC',
      linkTitle: 'Open run',
      runUrl: RUN_FIXTURES.failed.url,
      hasLink: true,
    },
    'approval-pending': {
      icon: '⏳',
      title: 'Approval needed for Production',
      style: 'warning',
      summary: 'Alex Wilber wants to deploy model v3.',
      pipelineName: '[Manual]-[Prod]-deployment',
      runName: RUN_FIXTURES.waiting.name,
      facts: [],
      hasFacts: false,
      timestamp: '',
      linkTitle: '',
      runUrl: '',
      hasLink: false,
    },
  },
};
