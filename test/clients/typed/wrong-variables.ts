/**
 * Uses of the typed documents that tsc must refuse (test/clients/codegen.test.ts expects exactly
 * these errors, one per marked line): the typing of the variables is real, not `any`.
 */
import { cacheExchange, createClient, fetchExchange } from '@urql/core';
import { ContentsPageDocument, SetViewsDocument } from './gql/graphql';

const client = createClient({ url: 'http://localhost:4000/graphql', exchanges: [cacheExchange, fetchExchange] });

void client.query(ContentsPageDocument, { first: '2' }); // WRONG: first is Int!, not a string
void client.query(ContentsPageDocument, { first: 2, platform: 'MYSPACE' }); // WRONG: not a Platform
void client.mutation(SetViewsDocument, { input: { contentId: '1', views: '12' } }); // WRONG: views is a SafeInt (number)
