/**
 * How people talk to a bot in chat, folded into the command language before it is parsed:
 * greetings, politeness and filler around a command ("hi, could you please deploy qa v3,
 * thanks"), and a few plain questions ("what's running?", "what is in prod?"). Only words
 * around the command are dropped; what decides what runs (environment, model, branch) is still
 * parsed strictly by the command itself. Comments and reasons (`approve`, `reject`, `lock`)
 * keep every word as typed.
 * @example rephrase(['please', 'deploy', 'qa', 'v3', 'thanks']) // ['deploy', 'qa', 'v3']
 * @example rephrase(["what's", 'in', 'prod']) // ['status', 'prod']
 */
export function rephrase(words: readonly string[]): string[] {
  const rest = commandWords(words);
  // Only politeness or filler ("please", "ok"): the answer is what the bot can do.
  return rest.length === 0 && words.length > 0 ? ['help'] : rest;
}

/** A message that is only a greeting, or only thanks: answered in a line, not with help. */
export type SmallTalk = 'greeting' | 'thanks';

/**
 * Whether a message is only a greeting or thanks ("hi", "Thanks!", "good morning", "hi there,
 * thanks"): thanks wins over a greeting. Anything with a command in it is not small talk.
 * @example smallTalk(['Thanks!']) // 'thanks'
 * @example smallTalk(['hi', 'deploy', 'qa']) // undefined
 */
export function smallTalk(words: readonly string[]): SmallTalk | undefined {
  if (words.length === 0 || commandWords(words).length > 0) return undefined;
  const plain = words.map((w) => stripPunctuation(w).toLowerCase());
  if (plain.some((w) => THANKS.has(w))) return 'thanks';
  if (plain.some((w) => GREETINGS.has(w))) return 'greeting';
  return undefined;
}

const THANKS = new Set(['thanks', 'thank', 'thx', 'ty', 'cheers']);
const GREETINGS = new Set(['hi', 'hello', 'hey', 'hiya', 'yo', 'morning', 'afternoon', 'evening']);

/** The words of the command in a message, without the greeting, politeness and filler. */
function commandWords(words: readonly string[]): string[] {
  const typed = dropLeading(words.filter((w) => stripPunctuation(w).length > 0));
  // A comment or reason is the person's own text: kept word for word, punctuation included.
  if (FREE_TEXT.has(stripPunctuation(typed[0] ?? '').toLowerCase())) {
    return [stripPunctuation(typed[0]!), ...typed.slice(1)];
  }
  let rest = typed.map(stripPunctuation);
  const question = asQuestion(rest);
  if (question) return question;
  rest = dropTrailing(rest);
  // "roll back prod": the two words people write for `rollback`.
  if (rest.length > 1 && startsWith(rest, ['roll', 'back'])) rest = ['rollback', ...rest.slice(2)];
  return rest;
}

/** Commands whose last words are a person's own text: nothing is dropped from them. */
const FREE_TEXT = new Set(['approve', 'reject', 'lock', 'claim', 'reserve', 'lgtm', 'deny']);

// Phrases of one or more words, matched case-insensitively at the start of a message.
const LEADING = [
  'good morning',
  'good afternoon',
  'good evening',
  'hi there',
  'hello there',
  'hey there',
  'hi',
  'hello',
  'hey',
  'hiya',
  // The longer thanks first: "thanks a lot" is one phrase, not "thanks" and a command `a`.
  'thank you very much',
  'thank you so much',
  'thanks a lot',
  'thanks so much',
  'many thanks',
  'thanks',
  'thank you',
  'thx',
  'yo',
  'ok',
  'okay',
  'so',
  'um',
  'uh',
  'please',
  'pls',
  'plz',
  'kindly',
  'can you',
  'could you',
  'would you',
  'will you',
  'can u',
  'could u',
  'i want to',
  'i wanna',
  'i would like to',
  "i'd like to",
  'id like to',
  'i need to',
  "let's",
  'lets',
  'go ahead and',
  'just',
  'now',
  'bot',
  'digitre',
  'chatops',
].map((p) => p.split(' '));

const TRAILING = [
  'thank you very much',
  'thank you so much',
  'thank you',
  'thanks a lot',
  'thanks so much',
  'many thanks',
  'thanks',
  'thx',
  'ty',
  'cheers',
  'please',
  'pls',
  'plz',
  'for me',
  'now',
  'asap',
  'right now',
].map((p) => p.split(' '));

/** Commas and full stops a person puts between a greeting and the command, not in values. */
function stripPunctuation(word: string): string {
  return /^[^,.;:!?]*[,.;:!?]+$/.test(word) && !/^v?\d+[.]\d/.test(word)
    ? word.replace(/[,.;:!?]+$/, '')
    : word;
}

function startsWith(words: readonly string[], phrase: readonly string[]): boolean {
  return (
    phrase.length <= words.length &&
    phrase.every((p, i) => stripPunctuation(words[i]!).toLowerCase() === p)
  );
}

function dropLeading(words: string[]): string[] {
  let rest = words;
  for (let changed = true; changed;) {
    changed = false;
    for (const phrase of LEADING) {
      if (phrase.length < rest.length && startsWith(rest, phrase)) {
        rest = rest.slice(phrase.length);
        changed = true;
        break;
      }
      // A message that is only a greeting or politeness.
      if (phrase.length === rest.length && startsWith(rest, phrase)) return [];
    }
  }
  return rest;
}

function dropTrailing(words: string[]): string[] {
  let rest = words;
  for (let changed = true; changed;) {
    changed = false;
    for (const phrase of TRAILING) {
      const tail = rest.slice(rest.length - phrase.length);
      if (phrase.length <= rest.length && startsWith(tail, phrase)) {
        rest = rest.slice(0, rest.length - phrase.length);
        changed = true;
        break;
      }
    }
  }
  return rest;
}

/** Questions people ask instead of typing `status`, `approvals`, `models`, `whoami`, `help`. */
const QUESTIONS: [RegExp, (m: RegExpExecArray) => string[]][] = [
  [
    /^(?:what's|whats|what is) (?:running|going on|happening|up)(?: now| right now)?$/,
    () => ['status'],
  ],
  [
    /^(?:how are|how's|hows) (?:things|the pipelines|pipelines|everything)(?: looking)?$/,
    () => ['status'],
  ],
  [
    /^(?:what's|whats|what is|which model is|what model is|what version is|which version is) (?:live |deployed |running )?(?:in|on|at) (\S+)(?: now| right now)?$/,
    (m) => ['status', m[1]!],
  ],
  [/^(?:what's|whats|what is) (?:live|deployed) (?:in|on|to) (\S+)$/, (m) => ['status', m[1]!]],
  [/^(?:how is|how's|hows|is) (\S+) (?:doing|ok|okay|healthy|up)$/, (m) => ['status', m[1]!]],
  [
    /^(?:what's|whats|what is|anything|is anything|is there anything) (?:pending|waiting(?: for approval)?|to approve|needing approval)$/,
    () => ['approvals'],
  ],
  [/^(?:what|who) needs (?:my )?approval$/, () => ['approvals']],
  [
    /^(?:which|what) models?(?: versions?)? (?:are there|do we have|exist|are registered)$/,
    () => ['models'],
  ],
  [/^(?:who am i|what can i do here|what are my roles)$/, () => ['whoami']],
  [/^(?:what can you do|what do you do|how do i use you|how does this work)$/, () => ['help']],
  [/^(?:is|are) (?:anything|any environments?|environments?) locked$/, () => ['locks']],
  [/^(?:where can i deploy(?: now)?)$/, () => ['where', 'can', 'i', 'deploy']],
  [
    /^(?:show|list|get|give|see)(?: me)?(?: the| all(?: the)?)? (runs|approvals|pipelines|models|locks|subscriptions)$/,
    (m) => [m[1]!],
  ],
  [/^(?:show|give|get)(?: me)?(?: the)? (?:status|dashboard)$/, () => ['status']],
];

function asQuestion(words: readonly string[]): string[] | undefined {
  const text = words.join(' ').toLowerCase();
  for (const [pattern, to] of QUESTIONS) {
    const m = pattern.exec(text);
    if (m) return to(m);
  }
  return undefined;
}
