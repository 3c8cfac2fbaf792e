import { buildSchema as parseSdl, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isSpecifiedScalarType } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { buildAppSchema } from '../src/schema';

/** Every named element of the schema (types, fields, arguments, enum values) that has no non-empty description. */
function undocumented(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const check = (where: string, description: string | null | undefined): void => {
    if (!description?.trim()) missing.push(where);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
    check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        check(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name})`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    }
  }
  return missing;
}

test('every type, field, argument and enum value of the schema has a description', async () => {
  expect(undocumented(await buildAppSchema())).toEqual([]);
});

test('the check names each kind of undocumented element', () => {
  const sdl = `
    """Documented."""
    type Query { "Documented." a(x: Int, "Documented." y: Int): Int b: Kind }
    enum Kind { "Documented." ONE TWO }
    input Filter { z: Int }
    scalar Stamp
  `;
  expect(undocumented(parseSdl(sdl))).toEqual(['Query.a(x)', 'Query.b', 'Kind', 'Kind.TWO', 'Filter', 'Filter.z', 'Stamp']);
});
