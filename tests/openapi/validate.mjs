// Validates docs/centre-api.yaml against the official OpenAPI 3.1 JSON schema (and its $refs resolve).
// Prints every error with where it is; exits 1 on any, so test.sh fails the run on it.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';

const here = path.dirname(fileURLToPath(import.meta.url));
const document = path.resolve(process.argv[2] ?? path.join(here, '..', '..', 'docs', 'centre-api.yaml'));
const validator = new Validator();
const result = await validator.validate(document);
let errors = [];
if (!result.valid) {
  errors = Array.isArray(result.errors) ? result.errors : [result.errors];
}
for (const e of errors) {
  // A $ref that points nowhere comes back as a plain string, a schema violation as an Ajv error object.
  console.log(typeof e === 'string'
    ? `error: ${e}`
    : `error at ${e.instancePath || '(document)'}: ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
}
console.log(`openapi: ${path.relative(process.cwd(), document)} (OpenAPI ${validator.version ?? '?'}): ${errors.length} errors`);
process.exit(errors.length > 0 ? 1 : 0);
