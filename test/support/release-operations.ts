/**
 * The operations this release's clients send (test/fixtures/release-operations.graphql), one
 * document per operation, each checked against the schema emitted from the code (schema.graphql).
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, OperationDefinitionNode, parse, print, validate } from 'graphql';

export interface ReleaseOperation {
  name: string;
  kind: 'query' | 'mutation' | 'subscription';
  query: string;
}

export function releaseOperations(): ReleaseOperation[] {
  const root = path.join(__dirname, '..', '..');
  const doc = parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'release-operations.graphql'), 'utf8'));
  const schema = buildSchema(fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8'));
  const errors = validate(schema, doc);
  if (errors.length) throw new Error(`release-operations.graphql does not fit schema.graphql: ${errors.map((e) => e.message).join('; ')}`);
  return doc.definitions
    .filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')
    .map((d) => ({ name: d.name!.value, kind: d.operation, query: print(d) }));
}
