/** Writes schema.graphql from the code (type-graphql). `npm run schema:emit`. */
import path from 'node:path';
import { buildAppSchema, SCHEMA_FILE } from '../src/schema';

buildAppSchema({ emitTo: path.resolve(__dirname, '..', SCHEMA_FILE) })
  .then(() => console.log(`wrote ${SCHEMA_FILE}`))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
