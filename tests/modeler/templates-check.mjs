// Validates Camunda 7 element templates with @bpmn-io/element-templates-validator (the
// validator built on @camunda/element-templates-json-schema that Camunda Modeler uses) and
// prints {file: [error, ...]} as JSON. Run by tests/test_element_templates.py.
import { readFile } from 'node:fs/promises';
import { validate } from '@bpmn-io/element-templates-validator';

const report = {};
for (const file of process.argv.slice(2)) {
  try {
    const { errors } = validate(JSON.parse(await readFile(file, 'utf8')));
    report[file] = (errors || []).map((error) => `${error.dataPath || error.instancePath || ''} ${error.message}`.trim());
  } catch (error) {
    report[file] = [`could not be read: ${error.message}`];
  }
}
process.stdout.write(JSON.stringify(report));
