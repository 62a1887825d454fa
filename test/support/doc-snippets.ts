/**
 * Reading docs as tests: fenced code blocks of a Markdown page, and the SQL
 * strings inside a Rust, Go or Ruby snippet exactly as written (raw strings,
 * backtick strings, squiggly heredocs), so a test runs what a reader copies.
 *
 * @example
 * const [rust] = codeBlocks(await readDoc('instance-protocol.md'), 'rust');
 * const statements = sqlStrings(rust!, 'rust');
 */
import { readFile } from 'node:fs/promises';

/** A page of docs/ (or any path under the repository, with `../`). */
export function readDoc(path: string): Promise<string> {
  return readFile(new URL(`../../docs/${path}`, import.meta.url), 'utf8');
}

/** The bodies of the fenced blocks of one language, in order (the fence's indentation removed). */
export function codeBlocks(markdown: string, language: string): string[] {
  const blocks: string[] = [];
  const fence = /^( *)```(\S*)[^\n]*\n([\s\S]*?)^\1```[ \t]*$/gm;
  for (const match of markdown.matchAll(fence)) {
    if (match[2] !== language) continue;
    blocks.push(dedent(match[3]!, match[1]!.length).replace(/\n$/, ''));
  }
  return blocks;
}

function dedent(text: string, by?: number): string {
  const lines = text.split('\n');
  const width = by ?? Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(Math.min(width, l.length - l.trimStart().length))).join('\n');
}

/** The string literals a snippet holds its SQL in: Rust `r#"…"#`, Go backticks, Ruby `<<~'SQL'` heredocs. */
export function sqlStrings(code: string, language: 'rust' | 'go' | 'ruby'): string[] {
  if (language === 'rust') return [...code.matchAll(/r#"([\s\S]*?)"#/g)].map((m) => m[1]!);
  if (language === 'go') return [...code.matchAll(/`([^`]*)`/g)].map((m) => m[1]!);
  // A squiggly heredoc drops the least indentation of its lines, and keeps the final newline.
  return [...code.matchAll(/<<~'SQL'\n([\s\S]*?)\n[ \t]*SQL\n/g)].map((m) => `${dedent(m[1]!)}\n`);
}
