// Reads BPMN files the way Camunda Modeler opens them (bpmn-moddle + camunda-bpmn-moddle)
// and prints {file: [warning, ...]} as JSON. Run by tests/test_modeler_compat.py.
import { readFile } from 'node:fs/promises';
import { BpmnModdle } from 'bpmn-moddle';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };

const moddle = new BpmnModdle({ camunda: camundaModdle });
const report = {};
for (const file of process.argv.slice(2)) {
  try {
    const { warnings } = await moddle.fromXML(await readFile(file, 'utf8'));
    report[file] = warnings.map((warning) => warning.message);
  } catch (error) {
    report[file] = [`could not be read: ${error.message}`];
  }
}
process.stdout.write(JSON.stringify(report));
