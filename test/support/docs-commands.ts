// The docs check: finds every `flamingo-eval ...` command in the shell code blocks of a Markdown page (and in YAML
// `args: [...]` lists), checks its subcommand and flags against the CLI's real commander program, and says which
// commands can run on built-in data.
// The convention it enforces is written down in docs/running.md, "Commands in these docs".
import type { Command, Option } from 'commander';

/** One `flamingo-eval` command (or a file-writing set-up step: `echo '...' > file`, `cat > file <<'EOF'`) found in a page. */
export interface DocCommand {
  file: string;
  /** 1-based line of the command's first line in the page. */
  line: number;
  /** The text as written (continuations joined, comment removed). */
  text: string;
  kind: 'flamingo-eval' | 'write';
  /** The words after `flamingo-eval` (kind 'flamingo-eval'); the text to write (kind 'write'). */
  args: string[];
  /** `> file` after the command: where its stdout goes. */
  stdoutTo?: string;
  /** Why the command is checked for flags only (undefined: it runs on built-in data). */
  flagsOnly?: string;
}

const SHELL_LANGUAGES = new Set(['', 'sh', 'bash', 'shell', 'console', 'zsh']);
const FLAGS_ONLY_MARK = '# flags-only';

/** What marks a command as needing something a reader supplies (datasets, servers, their own modules). */
const PLACEHOLDERS: Array<[RegExp, string]> = [
  [/(^|[\s=:])~\//, 'a path under ~/'],
  [/(^|[\s=:])\/(shared|data|results)(\/|\s|$)/, 'a cluster volume path'],
  [/<[^>\s]*[^>]*>/, 'a <placeholder>'],
  [/https?:\/\//, 'a URL'],
  [/\$[A-Za-z_{]/, 'an environment variable'],
  [/\bopenai:/, 'a served model'],
  [/\.\/my-/, "the reader's own module or bundle"],
];

/** Every command in the shell code blocks of `markdown` (the page `file`). */
export function extractCommands(markdown: string, file: string): DocCommand[] {
  const commands: DocCommand[] = [];
  const lines = markdown.split('\n');
  let fence: string | undefined;
  let shell = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const opening = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (fence === undefined) {
      if (opening) {
        fence = opening[1]!;
        shell = SHELL_LANGUAGES.has(opening[2]!.toLowerCase());
      }
      continue;
    }
    if (line.trim().startsWith(fence)) {
      fence = undefined;
      continue;
    }
    if (!shell) {
      // A container's command line in YAML (a Kubernetes Job): `args: [npx, flamingo-eval, --task, ...]`.
      if (/^\s*(args|command):\s*\[/.test(line)) {
        const start = i;
        let joined = line;
        while (!joined.includes(']') && i + 1 < lines.length) joined += ` ${lines[++i]!.trim()}`;
        const list = joined.slice(joined.indexOf('[') + 1, joined.lastIndexOf(']'));
        const items = [...list.matchAll(/"([^"]*)"|'([^']*)'|([^,\s][^,]*)/g)].map((m) => (m[1] ?? m[2] ?? m[3]!).trim());
        commands.push(...commandsOfLine(items.map((item) => `'${item}'`).join(' '), file, start + 1));
      }
      continue;
    }
    // A file written with a here-document (`cat > plan.yaml <<'EOF'` ... `EOF`): a set-up step, its lines the text.
    const heredoc = /^\s*cat\s*>\s*(\S+)\s*<<-?\s*(['"]?)(\w+)\2\s*$/.exec(line);
    if (heredoc) {
      const start = i;
      const body: string[] = [];
      while (i + 1 < lines.length && lines[i + 1]!.trim() !== heredoc[3]) body.push(lines[++i]!);
      i++;
      commands.push({ file, line: start + 1, text: line.trim(), kind: 'write', args: [body.join('\n')], stdoutTo: heredoc[1]! });
      continue;
    }
    // A command continued with a trailing backslash is one command.
    const start = i;
    let joined = line;
    while (/\\\s*$/.test(joined) && i + 1 < lines.length) joined = joined.replace(/\\\s*$/, ' ') + lines[++i]!;
    commands.push(...commandsOfLine(joined, file, start + 1));
  }
  return commands;
}

function commandsOfLine(raw: string, file: string, line: number): DocCommand[] {
  const marked = raw.includes(FLAGS_ONLY_MARK);
  const words = shellWords(raw);
  const found: DocCommand[] = [];
  for (const segment of splitSegments(words)) {
    const { args, stdoutTo } = withoutRedirect(segment);
    const text = args.map((w) => w.text).join(' ');
    const values = args.map((w) => w.value);
    let at = values[0] === 'npx' ? 1 : 0;
    if (values[at] === 'flamingo-eval') {
      at += 1;
      const rest = values.slice(at);
      const words = rest.join(' ');
      const reason = marked ? 'marked # flags-only' : PLACEHOLDERS.find(([pattern]) => pattern.test(words))?.[1];
      found.push({ file, line, text, kind: 'flamingo-eval', args: rest, stdoutTo, flagsOnly: reason });
    } else if (values[0] === 'echo' && stdoutTo !== undefined) {
      found.push({ file, line, text, kind: 'write', args: [values.slice(1).join(' ')], stdoutTo });
    }
  }
  return found;
}

interface Word {
  /** The word after quote removal. */
  value: string;
  /** The word as written. */
  text: string;
  /** An operator (`&&`, `||`, `;`, `|`, `&`, `>`, `>>`, `2>`) rather than a word. */
  operator?: boolean;
}

/** Shell words of a line: single and double quotes, operators, and a `#` comment (outside quotes) dropped. */
export function shellWords(line: string): Word[] {
  const words: Word[] = [];
  let value = '';
  let text = '';
  let inWord = false;
  const flush = () => {
    if (inWord) words.push({ value, text });
    value = '';
    text = '';
    inWord = false;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      const stop = end === -1 ? line.length : end;
      value += line.slice(i + 1, stop);
      text += line.slice(i, stop + 1);
      inWord = true;
      i = stop;
    } else if (c === '<' && line.indexOf('>', i) !== -1) {
      // A <placeholder> (it may hold spaces: `<job id>`) is one word, not a redirection.
      const end = line.indexOf('>', i);
      value += line.slice(i, end + 1);
      text += line.slice(i, end + 1);
      inWord = true;
      i = end;
    } else if (c === '#' && !inWord) {
      break;
    } else if (/\s/.test(c)) {
      flush();
    } else if ('&|;>'.includes(c) || (c === '2' && line[i + 1] === '>' && !inWord)) {
      flush();
      const op = /^(&&|\|\||2>>|2>|>>|[&|;>])/.exec(line.slice(i))![0];
      words.push({ value: op, text: op, operator: true });
      i += op.length - 1;
    } else {
      value += c;
      text += c;
      inWord = true;
    }
  }
  flush();
  return words;
}

function splitSegments(words: Word[]): Word[][] {
  const segments: Word[][] = [[]];
  for (const word of words) {
    if (word.operator && ['&&', '||', ';', '|', '&'].includes(word.value)) segments.push([]);
    else segments.at(-1)!.push(word);
  }
  return segments.filter((segment) => segment.length > 0);
}

function withoutRedirect(segment: Word[]): { args: Word[]; stdoutTo?: string } {
  const args: Word[] = [];
  let stdoutTo: string | undefined;
  for (let i = 0; i < segment.length; i++) {
    const word = segment[i]!;
    if (word.operator) {
      const target = segment[++i]?.value;
      if (word.value === '>' || word.value === '>>') stdoutTo = target;
      continue;
    }
    args.push(word);
  }
  return { args, stdoutTo };
}

/** A problem with a documented command, phrased to name the page and line. */
export interface CommandProblem {
  file: string;
  line: number;
  message: string;
}

/**
 * Checks a command's subcommand and flags against the program: an unknown subcommand, an unknown flag, a flag without
 * its value, a value outside the flag's choices, or an argument the subcommand does not take is a problem. Usage
 * notation (`[--json]`, `[--ci [--seed N]]`) is read as the flags it shows.
 */
export function checkCommand(program: Command, command: DocCommand): CommandProblem[] {
  const problems: string[] = [];
  const words = command.args.map((w) => w.replace(/^\[+|\]+$/g, '')).filter((w) => w !== '' && w !== '...' && w !== '|');
  const names = new Map(program.commands.flatMap((c) => [c.name(), ...c.aliases()].map((n) => [n, c] as const)));
  let sub: Command | undefined;
  let i = 0;
  const first = words[0];
  if (first !== undefined && names.has(first)) {
    sub = names.get(first);
    i = 1;
  } else if (first === undefined || first.startsWith('-')) {
    if (first === '--help' || first === '-h' || first === '--version' || first === '-V') return [];
    sub = program.commands.find((c) => c.name() === 'run');
  } else {
    problems.push(`unknown subcommand "${first}" (the CLI has: ${[...names.keys()].join(', ')})`);
  }
  if (sub !== undefined) {
    const options = sub.options as readonly Option[];
    let positionals = 0;
    const takesArguments = sub.registeredArguments.length;
    const variadic = sub.registeredArguments.some((a) => a.variadic);
    for (; i < words.length; i++) {
      const word = words[i]!;
      if (word === '--help' || word === '-h') continue;
      if (word.startsWith('-') && word.length > 1 && !/^-\d/.test(word)) {
        const [flag, inline] = word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
        const option = options.find((o) => o.long === flag || o.short === flag);
        if (option === undefined) {
          problems.push(`${sub.name()}: unknown flag ${flag}`);
          continue;
        }
        if (!option.required && !option.optional) continue;
        let value = inline;
        if (value === undefined) {
          const next = words[i + 1];
          if (next === undefined || (option.required && next.startsWith('--'))) {
            if (option.required) problems.push(`${sub.name()}: ${flag} needs a value`);
            continue;
          }
          value = next;
          i += 1;
        }
        if (option.argChoices && !option.argChoices.includes(value)) {
          problems.push(`${sub.name()}: ${flag} ${value}: not one of ${option.argChoices.join(', ')}`);
        }
      } else {
        positionals += 1;
        if (positionals > takesArguments && !variadic) problems.push(`${sub.name()}: unexpected argument "${word}"`);
      }
    }
  }
  return problems.map((message) => ({ file: command.file, line: command.line, message }));
}

/** Every long flag of every subcommand of the program (what a page may mention). */
export function allFlags(program: Command): Set<string> {
  const flags = new Set<string>(['--help', '--version']);
  for (const command of program.commands) for (const option of command.options) if (option.long) flags.add(option.long);
  return flags;
}

const OTHER_TOOLS = new Set(['node', 'npm', 'python3', 'python', 'vllm', 'text-generation-launcher', 'sbatch', 'curl', 'ffmpeg', 'chromium']);

/**
 * The `--flags` a page mentions in inline code outside code blocks (`` `--okvqa-stem` ``, table cells included), with
 * their lines. (The commands in code blocks are checked by checkCommand.)
 */
export function mentionedFlags(markdown: string): Array<{ flag: string; line: number }> {
  const found: Array<{ flag: string; line: number }> = [];
  let fenced = false;
  markdown.split('\n').forEach((line, index) => {
    if (/^\s*(`{3,}|~{3,})/.test(line)) {
      fenced = !fenced;
      return;
    }
    if (fenced) return;
    for (const span of line.matchAll(/`([^`]+)`/g)) {
      // Other tools' command lines (`node --import tsx ...`) are theirs.
      if (OTHER_TOOLS.has(span[1]!.trim().split(/\s+/)[0]!)) continue;
      for (const match of span[1]!.matchAll(/(?:^|[\s[(|,/])(--[a-z][a-z0-9-]*)/g)) found.push({ flag: match[1]!, line: index + 1 });
    }
  });
  return found;
}

/**
 * The words to run a documented `run` command with: `--limit 2` added when it sets neither `--limit` nor
 * `--protocol`, so that the docs check stays fast.
 */
export function runnableArgs(args: string[]): string[] {
  const first = args[0];
  const isRun = first === undefined || first === 'run' || first.startsWith('-');
  if (!isRun || first === '--help' || first === '--version') return args;
  if (args.some((a) => a === '--limit' || a.startsWith('--limit=') || a === '--protocol' || a.startsWith('--protocol='))) return args;
  return [...args, '--limit', '2'];
}
