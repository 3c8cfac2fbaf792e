import { createParameterDecorator, ResolverData } from 'type-graphql';

/** What `@Parent()` gives a resolver: the parent value itself (src/graphql/direct-resolvers.ts recognises it). */
export const parentOf = ({ root }: ResolverData<object>): unknown => root;

/**
 * The parent value of a field resolver (or a subscription's payload) as it is. type-graphql's
 * `@Root()` copies it into a new instance of the parameter's class on every call (convertToType:
 * `new Class()`, which defines every field of the class, a delete of each one the row lacks, then
 * Object.assign), once per row and relation: 100 copies for 50 contents and their plans. Rows are
 * plain objects with the fields the type reads; no resolver needs the class.
 */
export const Parent = () => createParameterDecorator(parentOf);
