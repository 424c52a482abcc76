// Reads BPMN and DMN files the way Camunda Modeler opens them (bpmn-moddle / dmn-moddle with
// the Camunda extensions) and prints {file: [warning, ...]} as JSON.
// Run by tests/test_modeler_compat.py.
import { readFile } from 'node:fs/promises';
import { BpmnModdle } from 'bpmn-moddle';
import { DmnModdle } from 'dmn-moddle';
import camundaBpmn from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import camundaDmn from 'camunda-dmn-moddle/resources/camunda.json' with { type: 'json' };

const bpmn = new BpmnModdle({ camunda: camundaBpmn });
const dmn = new DmnModdle({ camunda: camundaDmn });
const report = {};
for (const file of process.argv.slice(2)) {
  const isDmn = file.endsWith('.dmn');
  try {
    const xml = await readFile(file, 'utf8');
    const { warnings } = isDmn ? await dmn.fromXML(xml, 'dmn:Definitions') : await bpmn.fromXML(xml);
    report[file] = warnings.map((warning) => warning.message);
  } catch (error) {
    report[file] = [`could not be read: ${error.message}`];
  }
}
process.stdout.write(JSON.stringify(report));
