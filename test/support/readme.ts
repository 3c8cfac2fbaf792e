/**
 * README.md's examples, as the tests that run them read it (test/readme.test.ts runs them all in
 * order; test/start/seed.test.ts runs the CHAMPION query after a seed). One parser for both.
 */
import fs from 'node:fs';
import path from 'node:path';

export const README = path.join(__dirname, '..', '..', 'README.md');

export interface Example {
  /** Its first line in README.md (1-based). */
  line: number;
  /** The fence's language ('' for a plain fence). */
  lang: string;
  /** One shell command (continuation lines joined), or a whole block of another language. */
  text: string;
}

/** The examples in order: each command of a bash block (comments and blank lines left out), every other block whole. */
export function readmeExamples(readme = fs.readFileSync(README, 'utf8')): Example[] {
  const examples: Example[] = [];
  for (const m of readme.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    const line = readme.slice(0, m.index).split('\n').length + 1;
    const [, lang, body] = m;
    if (lang !== 'bash') {
      examples.push({ line, lang, text: body });
      continue;
    }
    const lines = body.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const start = line + i;
      let text = lines[i];
      while (text.endsWith('\\') && i + 1 < lines.length) text = `${text}\n${lines[++i]}`;
      if (text.trim() && !text.trim().startsWith('#')) examples.push({ line: start, lang, text: text.trim() });
    }
  }
  return examples;
}

/** The one GraphQL example that contains `marker` (e.g. 'tier: CHAMPION'); throws when there is none. */
export function readmeQuery(marker: string): string {
  const found = readmeExamples().filter((e) => e.lang === 'graphql' && e.text.includes(marker));
  if (found.length !== 1) throw new Error(`README.md has ${found.length} GraphQL examples with ${marker}, not one`);
  return found[0].text;
}
