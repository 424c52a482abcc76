// Draws each [data-diagram-url] element's BPMN with bpmn-js and marks elements as Cockpit does:
// completed, active and waiting timers. The JSON comes from our own pages (same origin).
const MARKERS = { completed: 'app-completed', active: 'app-active', timers: 'app-timer' };

async function draw(container) {
  const response = await fetch(container.dataset.diagramUrl, {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
  });
  if (!response.ok) throw new Error(`the diagram could not be loaded (${response.status})`);
  const diagram = await response.json();
  container.replaceChildren();
  const viewer = new window.BpmnJS({ container });
  await viewer.importXML(diagram.xml);
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  canvas.zoom('fit-viewport');
  for (const [state, marker] of Object.entries(MARKERS)) {
    for (const id of diagram[state] || []) {
      if (registry.get(id)) canvas.addMarker(id, marker);
    }
  }
  container.dataset.diagramState = 'ready';
}

for (const container of document.querySelectorAll('[data-diagram-url]')) {
  draw(container).catch((error) => {
    container.dataset.diagramState = 'failed';
    const message = document.createElement('p');
    message.className = 'govuk-error-message';
    message.textContent = `Sorry, ${error.message}.`;
    container.replaceChildren(message);
  });
}
