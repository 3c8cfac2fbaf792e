import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSchema as parseSdl, findBreakingChanges, findDangerousChanges } from 'graphql';
import { buildAppSchema } from '../src/schema';

const root = path.resolve(__dirname, '..');

test('schema.graphql is the schema the code emits (run `npm run schema:emit` when this fails)', async () => {
  const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'schema-')), 'schema.graphql');
  await buildAppSchema({ emitTo: tmp });
  const emitted = fs.readFileSync(tmp, 'utf8');
  const committed = fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8');
  expect(committed).toBe(emitted);
});

const contractFile = path.resolve(root, '..', 'shared', 'contract', 'schema.graphql');
const maybe = fs.existsSync(contractFile) ? test : test.skip;

maybe('schema.graphql keeps every part of the contract (no breaking change, no changed default)', () => {
  const contract = parseSdl(fs.readFileSync(contractFile, 'utf8'));
  const ours = parseSdl(fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8'));
  const problems = [
    ...findBreakingChanges(contract, ours),
    ...findDangerousChanges(contract, ours).filter((c) => c.type === 'ARG_DEFAULT_VALUE_CHANGE'),
  ].map((c) => `${c.type}: ${c.description}`);
  expect(problems).toEqual([]);
});
