import { createParameterDecorator } from 'type-graphql';

/**
 * The parent value of a field resolver (or a subscription's payload) as it is. type-graphql's
 * `@Root()` copies it into a new instance of the parameter's class on every call (convertToType:
 * `new Class()`, which defines every field of the class, a delete of each one the row lacks, then
 * Object.assign), once per row and relation: 100 copies for 50 contents and their plans. Rows are
 * plain objects with the fields the type reads; no resolver needs the class.
 */
export const Parent = () => createParameterDecorator(({ root }) => root);
