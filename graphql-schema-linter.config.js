// graphql-schema-linter over the emitted schema.graphql, run by `npm run lint` (and so CI).
// The Relay rules (connections, their arguments, PageInfo) and the description rules must pass.
module.exports = {
  schemaPaths: ['schema.graphql'],
  rules: [
    // Relay: connection types, first/after and last/before, PageInfo (docs/api.md "Pagination")
    'relay-connection-types-spec',
    'relay-connection-arguments-spec',
    'relay-page-info-spec',
    // Every element documented (test/schema-descriptions.test.ts checks the same from the code)
    'types-have-descriptions',
    'fields-have-descriptions',
    'arguments-have-descriptions',
    'enum-values-have-descriptions',
    'input-object-values-have-descriptions',
    'descriptions-are-capitalized',
    'deprecations-have-a-reason',
    'defined-types-are-used',
    // Naming
    'types-are-capitalized',
    'fields-are-camel-cased',
    'input-object-values-are-camel-cased',
    'enum-values-all-caps',
    // Left out: type-fields-, input-object-fields-, interface-fields- and enum-values-sorted-alphabetically.
    // The schema lists fields and enum values in the contract's order, and some orders carry meaning
    // that the API documents (Tier from lowest to highest rank, formatWeights and platformWeights "in
    // the enum's declared order"): sorting them would change the contract's reading and those answers.
  ],
};
