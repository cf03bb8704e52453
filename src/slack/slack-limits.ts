/**
 * Slack's Block Kit limits for a message (docs.slack.dev/reference/block-kit): over any of them,
 * chat.postMessage / chat.update answer `invalid_blocks` and nothing is posted.
 */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  actionId: 255,
  blockId: 255,
  buttonValue: 2000,
  url: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

type Json = Record<string, unknown>;

/**
 * Everything in a message's blocks Slack would refuse, one line each naming where; empty = fine.
 * The renderer checks its own output with it (a refused card would be lost), tests and the fake
 * Slack Web API hold every payload to it.
 * @example blockKitProblems([{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(200) } }])
 * // ['blocks[0] header text: 200 characters, Slack allows 150']
 */
export function blockKitProblems(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ['blocks: must be an array'];
  const problems: string[] = [];
  const over = (where: string, what: string, length: number, max: number) => {
    if (length > max) problems.push(`${where} ${what}: ${length} characters, Slack allows ${max}`);
  };
  if (blocks.length > SLACK_LIMITS.blocksPerMessage) {
    problems.push(`blocks: ${blocks.length}, Slack allows ${SLACK_LIMITS.blocksPerMessage}`);
  }
  const actionIds = new Set<string>();
  const unique = (where: string, id: unknown) => {
    if (typeof id !== 'string') return;
    if (actionIds.has(id)) problems.push(`${where}: action_id ${id} is used twice in the message`);
    actionIds.add(id);
  };
  blocks.forEach((raw: unknown, i) => {
    const where = `blocks[${i}]`;
    if (!isObject(raw) || typeof raw.type !== 'string') {
      problems.push(`${where}: a block needs a type`);
      return;
    }
    const block = raw;
    if (typeof block.block_id === 'string')
      over(where, 'block_id', block.block_id.length, SLACK_LIMITS.blockId);
    switch (block.type) {
      case 'header':
        if (textObject(block.text)?.type !== 'plain_text')
          problems.push(`${where} header: needs plain_text`);
        over(where, 'header text', textOf(block.text).length, SLACK_LIMITS.headerText);
        break;
      case 'section': {
        const fields = Array.isArray(block.fields) ? block.fields : [];
        if (!block.text && fields.length === 0)
          problems.push(`${where} section: needs text or fields`);
        over(where, 'section text', textOf(block.text).length, SLACK_LIMITS.sectionText);
        if (fields.length > SLACK_LIMITS.sectionFields) {
          problems.push(
            `${where} fields: ${fields.length}, Slack allows ${SLACK_LIMITS.sectionFields}`,
          );
        }
        fields.forEach((f: unknown, j) =>
          over(where, `field ${j}`, textOf(f).length, SLACK_LIMITS.fieldText),
        );
        if (isObject(block.accessory)) unique(`${where} accessory`, block.accessory.action_id);
        if (isObject(block.accessory))
          elementProblems(block.accessory, `${where} accessory`, over, problems);
        break;
      }
      case 'context': {
        const elements = Array.isArray(block.elements) ? block.elements : [];
        if (elements.length === 0 || elements.length > SLACK_LIMITS.contextElements) {
          problems.push(
            `${where} context: ${elements.length} elements, Slack allows 1 to ${SLACK_LIMITS.contextElements}`,
          );
        }
        elements.forEach((e: unknown, j) =>
          over(where, `element ${j}`, textOf(e).length, SLACK_LIMITS.sectionText),
        );
        break;
      }
      case 'actions': {
        const elements = Array.isArray(block.elements) ? block.elements : [];
        if (elements.length === 0 || elements.length > SLACK_LIMITS.actionsElements) {
          problems.push(
            `${where} actions: ${elements.length} elements, Slack allows 1 to ${SLACK_LIMITS.actionsElements}`,
          );
        }
        elements.forEach((e: unknown, j) => {
          if (!isObject(e)) return;
          unique(`${where} element ${j}`, e.action_id);
          elementProblems(e, `${where} element ${j}`, over, problems);
        });
        break;
      }
      case 'divider':
        break;
      default:
        problems.push(`${where}: block type ${block.type} is not one the renderer uses`);
    }
  });
  return problems;
}

function elementProblems(
  element: Json,
  where: string,
  over: (where: string, what: string, length: number, max: number) => void,
  problems: string[],
): void {
  if (element.type !== 'button') return;
  if (textObject(element.text)?.type !== 'plain_text')
    problems.push(`${where} button: text must be plain_text`);
  over(where, 'button text', textOf(element.text).length, SLACK_LIMITS.buttonText);
  if (typeof element.action_id !== 'string' || element.action_id === '') {
    problems.push(`${where} button: needs an action_id`);
  } else over(where, 'action_id', element.action_id.length, SLACK_LIMITS.actionId);
  if (typeof element.value === 'string')
    over(where, 'value', element.value.length, SLACK_LIMITS.buttonValue);
  if (typeof element.url === 'string') over(where, 'url', element.url.length, SLACK_LIMITS.url);
  if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
    problems.push(`${where} button: style must be primary or danger`);
  }
  if (isObject(element.confirm)) {
    const c = element.confirm;
    over(where, 'confirm title', textOf(c.title).length, SLACK_LIMITS.confirmTitle);
    over(where, 'confirm text', textOf(c.text).length, SLACK_LIMITS.confirmText);
    over(where, 'confirm button', textOf(c.confirm).length, SLACK_LIMITS.confirmButton);
    over(where, 'deny button', textOf(c.deny).length, SLACK_LIMITS.confirmButton);
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textObject(value: unknown): { type?: unknown; text?: unknown } | undefined {
  return isObject(value) ? value : undefined;
}

function textOf(value: unknown): string {
  const text = textObject(value)?.text;
  return typeof text === 'string' ? text : '';
}

/** Slack's limits for a modal view (docs.slack.dev/reference/views/modal), beyond its blocks'. */
export const SLACK_MODAL_LIMITS = {
  title: 24,
  submit: 24,
  close: 24,
  callbackId: 255,
  privateMetadata: 3000,
  blocks: 100,
  inputLabel: 2000,
  inputPlaceholder: 150,
  inputMaxLength: 3000,
} as const;

/**
 * Everything in a modal view Slack would refuse (`views.open` answers `invalid_arguments`, and the
 * person clicked for nothing), one line each; empty = fine.
 * @example modalProblems({ type: 'modal', title: { type: 'plain_text', text: 'x'.repeat(30) }, blocks: [] })
 * // ['title: 30 characters, Slack allows 24']
 */
export function modalProblems(view: Record<string, unknown>): string[] {
  const L = SLACK_MODAL_LIMITS;
  const problems: string[] = [];
  const over = (what: string, value: unknown, max: number) => {
    const length = typeof value === 'string' ? value.length : 0;
    if (length > max) problems.push(`${what}: ${length} characters, Slack allows ${max}`);
  };
  const textOf = (x: unknown) => (x as { text?: unknown } | undefined)?.text;
  if (view.type !== 'modal') problems.push('type: must be modal');
  if (typeof textOf(view.title) !== 'string') problems.push('title: required');
  over('title', textOf(view.title), L.title);
  over('submit', textOf(view.submit), L.submit);
  over('close', textOf(view.close), L.close);
  over('callback_id', view.callback_id, L.callbackId);
  over('private_metadata', view.private_metadata, L.privateMetadata);
  const blocks = Array.isArray(view.blocks) ? (view.blocks as Json[]) : [];
  if (blocks.length > L.blocks) problems.push(`blocks: ${blocks.length}, Slack allows ${L.blocks}`);
  const inputs = blocks.filter((b) => b.type === 'input');
  if (inputs.length > 0 && typeof textOf(view.submit) !== 'string') {
    problems.push('submit: required with an input block');
  }
  inputs.forEach((b, i) => {
    over(`input ${i} label`, textOf(b.label), L.inputLabel);
    const element = (b.element ?? {}) as Json;
    over(`input ${i} placeholder`, textOf(element.placeholder), L.inputPlaceholder);
    const max = element.max_length;
    if (typeof max === 'number' && (max < 1 || max > L.inputMaxLength)) {
      problems.push(`input ${i} max_length: ${max}, Slack allows 1-${L.inputMaxLength}`);
    }
  });
  // The section blocks share a message's limits.
  return [...problems, ...blockKitProblems(blocks.filter((b) => b.type !== 'input'))];
}
