// Validates docs/asyncapi.yaml (and the schemas it references) with the official AsyncAPI parser.
// Prints every diagnostic; exits 1 on any error, so test.sh and AsyncApiDocumentTests fail the run on it.
// Warnings and hints are printed but do not fail: the parser's style rules (e.g. "info.contact") are advice, not the spec.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import parserPkg from '@asyncapi/parser';

const { Parser, fromFile, DiagnosticSeverity } = parserPkg;
const here = path.dirname(fileURLToPath(import.meta.url));
const document = path.resolve(process.argv[2] ?? path.join(here, '..', '..', 'docs', 'asyncapi.yaml'));
const names = { 0: 'error', 1: 'warning', 2: 'info', 3: 'hint' };

const { document: parsed, diagnostics } = await fromFile(new Parser(), document).parse();
let errors = 0;
for (const d of diagnostics) {
  const severity = names[d.severity] ?? String(d.severity);
  if (d.severity === DiagnosticSeverity.Error) {
    errors++;
  }
  const at = d.path && d.path.length > 0 ? d.path.join('.') : '(document)';
  const line = d.range ? `:${d.range.start.line + 1}` : '';
  console.log(`${severity} ${d.code} at ${at}${line}: ${d.message}`);
}
if (parsed === undefined && errors === 0) {
  // The parser gives no document only together with errors; guard anyway so nothing passes unparsed.
  errors = 1;
  console.log('error: the parser returned no document');
}
console.log(`asyncapi: ${path.relative(process.cwd(), document)}: ${errors} errors, ${diagnostics.length - errors} other diagnostics`);
process.exit(errors > 0 ? 1 : 0);
