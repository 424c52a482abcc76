// Draws each [data-diagram-url] element's BPMN with bpmn-js and marks elements as Cockpit does:
// completed, active and waiting timers, then zooms to where the instance is (if anywhere).
// The JSON comes from our own pages (same origin).
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
  const where = [...(diagram.active || []), ...(diagram.timers || [])];
  if (focus(canvas, where.map((id) => registry.get(id)).filter(Boolean))) {
    container.dataset.diagramFocus = where.join(' ');
  }
  container.dataset.diagramState = 'ready';
}

// Opens the diagram at a readable size centred on where the instance is: the active tasks (and
// waiting timers), shown whole, never smaller than the fitted view nor larger than 1:1.
function focus(canvas, elements) {
  if (!elements.length) return false;
  const box = bounds(elements);
  const { outer } = canvas.viewbox();
  const margin = 120;
  const readable = Math.min(1, outer.width / (box.width + margin * 2), outer.height / (box.height + margin * 2));
  const scale = Math.max(readable, canvas.zoom());
  const width = outer.width / scale;
  const height = outer.height / scale;
  canvas.viewbox({
    x: box.x + box.width / 2 - width / 2,
    y: box.y + box.height / 2 - height / 2,
    width,
    height,
  });
  return true;
}

function bounds(elements) {
  const left = Math.min(...elements.map((e) => e.x));
  const top = Math.min(...elements.map((e) => e.y));
  const right = Math.max(...elements.map((e) => e.x + (e.width || 0)));
  const bottom = Math.max(...elements.map((e) => e.y + (e.height || 0)));
  return { x: left, y: top, width: right - left, height: bottom - top };
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
